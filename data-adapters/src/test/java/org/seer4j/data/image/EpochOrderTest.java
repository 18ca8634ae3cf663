package org.seer4j.data.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class EpochOrderTest {

    @Test
    void isAPermutationForManySizes() {
        for (long n : new long[] {0, 1, 2, 3, 5, 16, 17, 1000, 4097}) {
            EpochOrder o = new EpochOrder(n, 42, 3);
            BitSet seen = new BitSet();
            for (long p = 0; p < n; p++) {
                long i = o.at(p);
                assertThat(i).isBetween(0L, n - 1);
                assertThat(seen.get((int) i)).as("n=%d item %d twice", n, i).isFalse();
                seen.set((int) i);
            }
            assertThat(seen.cardinality()).isEqualTo((int) n);
        }
    }

    @Test
    void dependsOnSeedAndEpochAndIsReproducible() {
        EpochOrder a = new EpochOrder(1000, 1, 0);
        EpochOrder b = new EpochOrder(1000, 1, 1);
        EpochOrder c = new EpochOrder(1000, 2, 0);
        EpochOrder a2 = new EpochOrder(1000, 1, 0);
        int sameB = 0;
        int sameC = 0;
        for (int p = 0; p < 1000; p++) {
            assertThat(a.at(p)).isEqualTo(a2.at(p));
            sameB += a.at(p) == b.at(p) ? 1 : 0;
            sameC += a.at(p) == c.at(p) ? 1 : 0;
        }
        // two random permutations of 1000 agree on about one position
        assertThat(sameB).isLessThan(10);
        assertThat(sameC).isLessThan(10);
    }

    @Test
    void shufflesWellEnoughThatItemsLeaveTheirPlace() {
        // a shuffle keeps item i near position i only by chance: mean |at(p) - p| ~ n/3
        int n = 3000;
        EpochOrder o = new EpochOrder(n, 7, 0);
        double sum = 0;
        for (int p = 0; p < n; p++) {
            sum += Math.abs(o.at(p) - p);
        }
        assertThat(sum / n).isBetween(n / 3.0 * 0.9, n / 3.0 * 1.1);
    }
}
