package org.seer4j.core.swav;

import java.util.Arrays;
import java.util.Objects;
import org.seer4j.core.port.Collective;

/**
 * SwAV's distributed Sinkhorn-Knopp: each data-parallel worker holds the scores of its own samples, and the
 * transport problem spans the samples of all workers. The only cross-worker quantities are the global maximum (for
 * the overflow guard), the total of the exponentials, the per-prototype row sums of every iteration and the global
 * sample count N; the per-sample column normalisation is local. With these all-reduced, N workers with B/N samples
 * each get exactly (up to summation order) the codes one worker computes for all B samples.
 */
public final class DistributedSinkhornKnopp {

    private DistributedSinkhornKnopp() {
    }

    /**
     * Codes [B_local][K] for this worker's samples, the problem spanning every worker's batch and queue rows.
     * Every worker must call this with the same K, epsilon and iterations (collective calls must match).
     *
     * <p>Non-finite scores on any worker give NaN codes on every worker, so that engines see a NaN loss on all of
     * them at the same step: rejecting them on one worker alone (as the one-worker {@link SinkhornKnopp} does)
     * would leave the others waiting in the next all-reduce until the collective's timeout. The agreement costs
     * one scalar all-reduce.
     */
    public static double[][] codes(double[][] scores, double[][] queueScores, double epsilon, int iterations,
                                   Collective collective) {
        Objects.requireNonNull(collective, "collective");
        double[] nonFinite = {allFinite(scores) && allFinite(queueScores) ? 0 : 1};
        collective.allReduceSum(nonFinite);
        if (nonFinite[0] > 0) {
            double[][] nan = new double[scores.length][];
            for (int i = 0; i < nan.length; i++) {
                nan[i] = new double[scores[i] == null ? 0 : scores[i].length];
                Arrays.fill(nan[i], Double.NaN);
            }
            return nan;
        }
        return SinkhornKnopp.codes(scores, queueScores, epsilon, iterations, new CollectiveSums(collective));
    }

    /** Malformed input (null matrix or rows) counts as finite here: SinkhornKnopp rejects it with its message. */
    private static boolean allFinite(double[][] m) {
        if (m == null) return true;
        for (double[] row : m) {
            if (row == null) continue;
            for (double v : row) {
                if (!Double.isFinite(v)) return false;
            }
        }
        return true;
    }

    /** The reductions over a collective; the maximum is gathered through a sum of one-hot slots (exact). */
    private record CollectiveSums(Collective collective) implements GlobalSums {

        public double max(double localMax) {
            double[] slots = new double[collective.worldSize()];
            slots[collective.rank()] = localMax;
            collective.allReduceSum(slots);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : slots) {
                max = Math.max(max, v);
            }
            return max;
        }

        public void sum(double[] buffer) {
            collective.allReduceSum(buffer);
        }

        public long rows(long localRows) {
            double[] count = {localRows};
            collective.allReduceSum(count);
            return Math.round(count[0]);
        }
    }
}
