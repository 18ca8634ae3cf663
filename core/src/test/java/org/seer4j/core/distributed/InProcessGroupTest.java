package org.seer4j.core.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.seer4j.core.port.Collective;

class InProcessGroupTest {

    @Test
    void allReduceSumsEveryRanksBufferIntoEveryRank() throws Exception {
        List<Collective> group = InProcessGroup.create(3, Duration.ofSeconds(10));
        List<CompletableFuture<float[]>> results = group.stream().map(c -> CompletableFuture.supplyAsync(() -> {
            float[] buffer = {c.rank(), 10 * c.rank() + 1};
            c.allReduceSum(buffer);
            return buffer;
        })).toList();
        for (CompletableFuture<float[]> f : results) {
            // ranks 0+1+2 = 3; 1+11+21 = 33
            assertThat(f.get()).containsExactly(3f, 33f);
        }
    }

    @Test
    void aGroupAllReduceSumsOnlyOverTheConsecutiveRanksOfEachGroup() throws Exception {
        List<Collective> group = InProcessGroup.create(4, Duration.ofSeconds(10));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = group.stream().map(c -> threads.submit(() -> {
                float[] single = {c.rank() + 1, 100f * (c.rank() + 1)};
                c.allReduceSum(single, 2);
                double[] twice = {c.rank() + 0.25};
                c.allReduceSum(twice, 2);
                return new double[] {single[0], single[1], twice[0]};
            })).toList();
            // ranks {0, 1} hold 1 and 2, ranks {2, 3} hold 3 and 4
            assertThat(results.get(0).get()).containsExactly(3, 300, 1.5);
            assertThat(results.get(1).get()).containsExactly(3, 300, 1.5);
            assertThat(results.get(2).get()).containsExactly(7, 700, 5.5);
            assertThat(results.get(3).get()).containsExactly(7, 700, 5.5);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void reduceScatterSumsEachRanksOwnRangeAndAllGatherSpreadsEveryRangeUnevenAndEmptyRangesIncluded()
            throws Exception {
        int[] bounds = {0, 3, 3, 7}; // rank 1 owns nothing
        for (boolean portDefaults : new boolean[] {false, true}) {
            List<Collective> group = InProcessGroup.create(3, Duration.ofSeconds(10));
            List<CompletableFuture<float[][]>> results = group.stream().map(member -> CompletableFuture.supplyAsync(() -> {
                Collective c = portDefaults ? onlyAllReduce(member) : member;
                float[] grads = new float[7];
                for (int i = 0; i < 7; i++) grads[i] = (c.rank() + 1) * (i + 1); // sum over ranks: 6 (i + 1)
                c.reduceScatterSum(grads, bounds);
                float[] weights = new float[7];
                for (int i = bounds[c.rank()]; i < bounds[c.rank() + 1]; i++) weights[i] = -100 * c.rank() - i;
                c.allGather(weights, bounds);
                return new float[][] {grads, weights};
            })).toList();
            for (int r = 0; r < 3; r++) {
                float[][] out = results.get(r).get();
                for (int i = bounds[r]; i < bounds[r + 1]; i++) {
                    assertThat(out[0][i]).as("rank %d value %d, defaults %s", r, i, portDefaults).isEqualTo(6f * (i + 1));
                }
                // owners: rank 0 holds 0..2, rank 2 holds 3..6
                assertThat(out[1]).containsExactly(0, -1, -2, -203, -204, -205, -206);
            }
        }
        assertThatThrownBy(() -> Collective.checkBounds(new int[] {0, 5, 4, 7}, 7, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decrease");
        assertThatThrownBy(() -> Collective.checkBounds(new int[] {0, 7}, 7, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from 0 to 7 in 4 entries");
    }

    /** A member that keeps only allReduceSum, so the port's default reduce-scatter and all-gather run. */
    private static Collective onlyAllReduce(Collective member) {
        return new Collective() {
            public int rank() {
                return member.rank();
            }

            public int worldSize() {
                return member.worldSize();
            }

            public void allReduceSum(float[] buffer) {
                member.allReduceSum(buffer);
            }

            public void broadcast(float[] buffer, int root) {
                member.broadcast(buffer, root);
            }

            public void barrier() {
                member.barrier();
            }
        };
    }

    @Test
    void aGroupSizeThatDoesNotDivideTheWorldIsRefusedNamingTheKey() {
        Collective rank0 = InProcessGroup.create(4, Duration.ofSeconds(10)).get(0);
        assertThatThrownBy(() -> rank0.allReduceSum(new float[1], 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backend.sync_bn_group_size = 3").hasMessageContaining("(4)");
        assertThatThrownBy(() -> Collective.resolveGroupSize(8, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Collective.resolveGroupSize(0, 4)).isEqualTo(4);
        assertThat(Collective.resolveGroupSize(2, 4)).isEqualTo(2);
    }

    @Test
    void broadcastCopiesTheRootsBufferToEveryRank() throws Exception {
        List<Collective> group = InProcessGroup.create(2, Duration.ofSeconds(10));
        List<CompletableFuture<float[]>> results = group.stream().map(c -> CompletableFuture.supplyAsync(() -> {
            float[] buffer = {c.rank() + 5f, -c.rank()};
            c.broadcast(buffer, 1);
            return buffer;
        })).toList();
        for (CompletableFuture<float[]> f : results) {
            assertThat(f.get()).containsExactly(6f, -1f);
        }
    }

    @Test
    void aWorkerThatNeverCallsMakesTheOthersFailNamingTheirRankInsteadOfHanging() {
        List<Collective> group = InProcessGroup.create(2, Duration.ofMillis(200));
        CompletableFuture<Void> survivor = CompletableFuture.runAsync(() -> group.get(0).allReduceSum(new float[4]));
        assertThatThrownBy(survivor::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CollectiveException.class)
                .hasMessageContaining("rank 0").hasMessageContaining("allReduceSum");
    }

    @Test
    void mismatchedBufferLengthsAreReportedWithBothRanks() {
        List<Collective> group = InProcessGroup.create(2, Duration.ofSeconds(10));
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> group.get(0).allReduceSum(new float[3]));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> group.get(1).allReduceSum(new float[4]));
        assertThatThrownBy(a::get).cause().isInstanceOf(CollectiveException.class)
                .hasMessageContaining("rank 0: allReduceSum of 3 values, but rank 1 passed 4");
        assertThatThrownBy(b::get).cause().isInstanceOf(CollectiveException.class);
    }
}
