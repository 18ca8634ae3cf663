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
