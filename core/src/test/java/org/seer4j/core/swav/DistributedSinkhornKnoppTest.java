package org.seer4j.core.swav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.seer4j.core.distributed.InProcessGroup;
import org.seer4j.core.port.Collective;

class DistributedSinkhornKnoppTest {

    private static final double TIGHT = 1e-12;

    @Test
    void twoWorkersWithHalfTheBatchEachGetTheCodesOfOneWorkerWithTheWholeBatch() throws Exception {
        double[][] scores = random(8, 5, 3, 1.0);
        double[][][] parts = interleave(scores, 2);
        double[][] whole = SinkhornKnopp.codes(scores, null, 0.05, 3);
        double[][][] distributed = runWorkers(2, rank -> DistributedSinkhornKnopp.codes(parts[rank], null, 0.05, 3,
                collectiveOf(rank)));
        assertSameCodes(whole, distributed, 2);
    }

    @Test
    void eachWorkersQueueJoinsTheGlobalTransportProblem() throws Exception {
        double[][] scores = random(6, 7, 11, 1.0);
        double[][] queue = random(4, 7, 12, 1.0);
        double[][][] parts = interleave(scores, 2);
        // worker r owns queue rows 2r, 2r+1; the single worker holds the concatenation (order is irrelevant)
        double[][][] queues = {{queue[0], queue[1]}, {queue[2], queue[3]}};
        double[][] whole = SinkhornKnopp.codes(scores, queue, 0.1, 5);
        double[][][] distributed = runWorkers(2, rank -> DistributedSinkhornKnopp.codes(parts[rank], queues[rank],
                0.1, 5, collectiveOf(rank)));
        assertSameCodes(whole, distributed, 2);
    }

    @Test
    void workersWithUnequalShareStillMatchAndTheGlobalMaximumGuardsOverflow() throws Exception {
        // scores of 900 / 0.05 would overflow exp without the shared maximum; worker 2 holds the largest score
        double[][] scores = random(7, 4, 5, 900.0);
        double[][][] parts = {{scores[0], scores[1], scores[2]}, {scores[3]}, {scores[4], scores[5], scores[6]}};
        double[][] whole = SinkhornKnopp.codes(scores, null, 0.05, 3);
        double[][][] distributed = runWorkers(3, rank -> DistributedSinkhornKnopp.codes(parts[rank], null, 0.05, 3,
                collectiveOf(rank)));
        int row = 0;
        for (double[][] part : distributed) {
            for (double[] codes : part) {
                for (int j = 0; j < codes.length; j++) {
                    assertThat(codes[j]).isFinite().isCloseTo(whole[row][j], within(TIGHT));
                }
                row++;
            }
        }
    }

    @Test
    void withTheSingleCollectiveItIsTheReference() {
        double[][] scores = random(5, 3, 9, 1.0);
        double[][] reference = SinkhornKnopp.codes(scores, 0.05, 4);
        double[][] single = DistributedSinkhornKnopp.codes(scores, null, 0.05, 4, Collective.SINGLE);
        for (int i = 0; i < scores.length; i++) {
            assertThat(single[i]).containsExactly(reference[i]);
        }
    }

    // ---- helpers: a group of thread workers ----

    private interface Worker {
        double[][] run(int rank);
    }

    private List<Collective> group;

    private Collective collectiveOf(int rank) {
        return group.get(rank);
    }

    private double[][][] runWorkers(int world, Worker worker) throws Exception {
        group = InProcessGroup.create(world, Duration.ofSeconds(30));
        ExecutorService pool = Executors.newFixedThreadPool(world);
        try {
            @SuppressWarnings("unchecked")
            Future<double[][]>[] futures = new Future[world];
            for (int r = 0; r < world; r++) {
                int rank = r;
                futures[r] = pool.submit(() -> worker.run(rank));
            }
            double[][][] out = new double[world][][];
            for (int r = 0; r < world; r++) {
                out[r] = futures[r].get();
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Rows i with i mod world == r go to worker r, as {@code Shard(r, world)} deals positions. */
    private static double[][][] interleave(double[][] m, int world) {
        double[][][] parts = new double[world][][];
        for (int r = 0; r < world; r++) {
            int count = (m.length - r + world - 1) / world;
            parts[r] = new double[count][];
            for (int i = 0; i < count; i++) {
                parts[r][i] = m[r + i * world];
            }
        }
        return parts;
    }

    private static void assertSameCodes(double[][] whole, double[][][] parts, int world) {
        for (int r = 0; r < world; r++) {
            for (int i = 0; i < parts[r].length; i++) {
                double[] expected = whole[r + i * world];
                for (int j = 0; j < expected.length; j++) {
                    assertThat(parts[r][i][j]).isCloseTo(expected[j], within(TIGHT));
                }
            }
        }
    }

    private static double[][] random(int rows, int cols, long seed, double scale) {
        Random rnd = new Random(seed);
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = scale * (2 * rnd.nextDouble() - 1);
            }
        }
        return m;
    }
}
