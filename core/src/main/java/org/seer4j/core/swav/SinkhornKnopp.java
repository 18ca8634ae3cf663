package org.seer4j.core.swav;

import java.util.Arrays;
import org.seer4j.core.tensor.Tensor;

/**
 * Sinkhorn-Knopp codes as SwAV computes them, in double precision: the reference every engine is checked against.
 *
 * <p>In the paper's notation the codes live in a K x N matrix Q (prototypes x samples, N = batch + queue rows):
 * <ol>
 *   <li>Q = exp((scores - max(scores)) / epsilon)^T, then Q /= sum(Q). Subtracting the global maximum (VISSL's
 *       guard) changes nothing after the normalisation but keeps every exponential in (0, 1], so huge scores
 *       cannot overflow and no infinity can arise.</li>
 *   <li>{@code iterations} times: divide each prototype row by its sum and by K, then each sample column by its
 *       sum and by N.</li>
 *   <li>Q *= N and transpose back: one row of codes per sample.</li>
 * </ol>
 * What holds exactly (up to rounding) afterwards: every sample's codes sum to 1 (the last step was the column
 * normalisation). The prototype marginals (each prototype's codes summed over the N samples = N / K) held exactly
 * only after the last row step; after the final column step they hold approximately, closer with more iterations.
 *
 * <p>Guard for underflow (VISSL adds 1e-12 where a row sum is zero): before each normalisation, a prototype row or
 * a sample column whose entries all underflowed to 0 gets 1e-12 added to each of its entries, so it takes an even
 * share instead of producing 0/0. Scores from L2-normalised vectors never trigger it in double precision.
 * Divisions are entry / sum (never a reciprocal multiplied), so no quotient can exceed 1 and overflow.
 *
 * <p>Internally the matrix is held sample-major ([N][K]), the transpose of the paper's layout, which is the layout
 * of the result.
 */
public final class SinkhornKnopp {

    /** Added to each entry of an all-zero line before it is normalised (VISSL's numerical-stability epsilon). */
    public static final double ZERO_LINE_GUARD = 1e-12;

    private SinkhornKnopp() {
    }

    /** Codes [B][K] for the scores [B][K] of one batch, without queue. */
    public static double[][] codes(double[][] scores, double epsilon, int iterations) {
        return codes(scores, null, epsilon, iterations);
    }

    /**
     * Codes for the current batch, with the queue's scores joining the transport problem.
     *
     * @param scores      [B][K] scores of the current batch (one row per sample)
     * @param queueScores [Q][K] scores of the queued embeddings against the same prototypes, or null for none
     * @param epsilon     entropic regularisation (> 0)
     * @param iterations  alternating normalisations (>= 1)
     * @return [B][K] codes of the current batch only (the queue rows are computed and dropped)
     */
    public static double[][] codes(double[][] scores, double[][] queueScores, double epsilon, int iterations) {
        return codes(scores, queueScores, epsilon, iterations, GlobalSums.LOCAL);
    }

    /** The algorithm with its global reductions (maximum, totals, row count) delegated to {@code sums}. */
    static double[][] codes(double[][] scores, double[][] queueScores, double epsilon, int iterations,
                            GlobalSums sums) {
        int k = checkScores("scores", scores, -1);
        int queueRows = 0;
        if (queueScores != null && queueScores.length > 0) {
            checkScores("queueScores", queueScores, k);
            queueRows = queueScores.length;
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
        int b = scores.length;
        int n = b + queueRows;
        double[][] q = new double[n][];
        for (int i = 0; i < b; i++) {
            q[i] = scores[i].clone();
        }
        for (int i = 0; i < queueRows; i++) {
            q[b + i] = queueScores[i].clone();
        }
        exponentiate(q, epsilon, sums);
        normalise(q, k, iterations, sums);
        double[][] result = new double[b][];
        System.arraycopy(q, 0, result, 0, b);
        return result;
    }

    /** {@link #codes(double[][], double[][], double, int)} on port tensors: scores [B, K], queue [Q, K] or null. */
    public static Tensor codes(Tensor scores, Tensor queueScores, double epsilon, int iterations) {
        double[][] queue = queueScores == null ? null : Matrices.toMatrix(queueScores);
        return Matrices.toTensor(codes(Matrices.toMatrix(scores), queue, epsilon, iterations));
    }

    /** In place: q = exp((q - max) / epsilon) / sum. */
    private static void exponentiate(double[][] q, double epsilon, GlobalSums sums) {
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : q) {
            for (double v : row) {
                max = Math.max(max, v);
            }
        }
        max = sums.max(max);
        double[] total = {0};
        for (double[] row : q) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Math.exp((row[j] - max) / epsilon);
                total[0] += row[j];
            }
        }
        sums.sum(total);
        // total >= 1: the maximal entry is exp(0).
        for (double[] row : q) {
            for (int j = 0; j < row.length; j++) {
                row[j] /= total[0];
            }
        }
    }

    /** The alternating normalisations on sample-major q [N][K], ending with codes whose rows sum to 1. */
    private static void normalise(double[][] q, int k, int iterations, GlobalSums sums) {
        // n counts the samples of every worker: the sample marginal is 1 / (global N).
        long n = sums.rows(q.length);
        double[] prototypeSums = new double[k];
        for (int it = 0; it < iterations; it++) {
            Arrays.fill(prototypeSums, 0);
            for (double[] row : q) {
                for (int j = 0; j < k; j++) {
                    prototypeSums[j] += row[j];
                }
            }
            sums.sum(prototypeSums);
            // The decision rests on the global sum, so every worker takes the same branch.
            for (int j = 0; j < k; j++) {
                if (prototypeSums[j] == 0) {
                    for (double[] row : q) {
                        row[j] += ZERO_LINE_GUARD;
                    }
                    double[] column = {sumColumn(q, j)};
                    sums.sum(column);
                    prototypeSums[j] = column[0];
                }
            }
            for (double[] row : q) {
                for (int j = 0; j < k; j++) {
                    row[j] = row[j] / prototypeSums[j] / k;
                }
            }
            for (double[] row : q) {
                double sum = 0;
                for (double v : row) {
                    sum += v;
                }
                if (sum == 0) {
                    for (int j = 0; j < k; j++) {
                        row[j] += ZERO_LINE_GUARD;
                        sum += row[j];
                    }
                }
                for (int j = 0; j < k; j++) {
                    row[j] = row[j] / sum / n;
                }
            }
        }
        for (double[] row : q) {
            for (int j = 0; j < k; j++) {
                row[j] *= n;
            }
        }
    }

    private static double sumColumn(double[][] q, int j) {
        double s = 0;
        for (double[] row : q) {
            s += row[j];
        }
        return s;
    }

    /** Validates a [rows][K] score matrix and returns K; {@code expectedK} < 0 accepts any width. */
    static int checkScores(String name, double[][] m, int expectedK) {
        if (m == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (m.length == 0) {
            throw new IllegalArgumentException(name + " must have at least one row");
        }
        int k = expectedK < 0 ? (m[0] == null ? 0 : m[0].length) : expectedK;
        if (k == 0) {
            throw new IllegalArgumentException(name + " must have at least one column (prototype)");
        }
        for (int i = 0; i < m.length; i++) {
            if (m[i] == null || m[i].length != k) {
                throw new IllegalArgumentException(name + " row " + i + " has "
                        + (m[i] == null ? "no values" : m[i].length + " values") + ", expected " + k);
            }
            for (int j = 0; j < k; j++) {
                if (!Double.isFinite(m[i][j])) {
                    throw new IllegalArgumentException(name + "[" + i + "][" + j + "] is not finite: " + m[i][j]);
                }
            }
        }
        return k;
    }
}
