package org.seer4j.core.swav;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.seer4j.core.tensor.Tensor;

/**
 * SwAV's swapped-prediction loss and its exact gradient w.r.t. the scores, in double precision.
 *
 * <p>With V crops, assigning crops A, codes q_c = Sinkhorn(scores_c) (constants: no gradient flows through
 * Sinkhorn) and p_v = softmax(scores_v / T) row-wise:
 * <pre>
 *   loss = 1/|A| * sum_{c in A} 1/(V-1) * sum_{v != c} -1/B * sum_b sum_k q_c[b,k] * log p_v[b,k]
 * </pre>
 * Differentiating -sum_k q_k log softmax(s/T)_k w.r.t. s_j gives (p_j * sum_k q_k - q_j) / T, hence
 * <pre>
 *   d loss / d scores_v[b,j] = 1/(|A| (V-1) B T) * sum_{c in A, c != v} (p_v[b,j] * sum_k q_c[b,k] - q_c[b,j])
 * </pre>
 * Each gradient row sums to zero. A crop that is the only assigning crop (and is not predicted by itself) gets a
 * zero gradient, as in SwAV where its scores enter the loss only through the detached codes.
 */
public final class SwappedPredictionLoss {

    /**
     * @param loss      the scalar loss
     * @param gradients d loss / d scores, one [B][K] matrix per crop, in crop order
     * @param codes     Sinkhorn codes [B][K], one per assigning crop, in the order of {@code assignCrops}
     */
    public record Result(double loss, double[][][] gradients, double[][][] codes) {
    }

    private SwappedPredictionLoss() {
    }

    /**
     * @param scores      per crop [B][K] scores (embedding . prototype), crop order as in the batch
     * @param assignCrops distinct crop indices whose codes are targets (SwAV: the two large crops, 0 and 1)
     * @param temperature softmax temperature (> 0)
     * @param epsilon     Sinkhorn entropic regularisation (> 0)
     * @param iterations  Sinkhorn iterations (>= 1)
     * @param queueScores per assigning crop (same order as {@code assignCrops}) the queue's scores [Q][K], or
     *                    null for no queue at all; a null entry means no queue for that crop
     */
    public static Result compute(double[][][] scores, List<Integer> assignCrops, double temperature, double epsilon,
                                 int iterations, double[][][] queueScores) {
        int crops = checkCrops(scores, assignCrops, queueScores);
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        int b = scores[0].length;
        int k = scores[0][0].length;
        int assigning = assignCrops.size();

        double[][][] codes = new double[assigning][][];
        for (int i = 0; i < assigning; i++) {
            double[][] queue = queueScores == null ? null : queueScores[i];
            codes[i] = SinkhornKnopp.codes(scores[assignCrops.get(i)], queue, epsilon, iterations);
        }

        double lossScale = 1.0 / ((double) assigning * (crops - 1) * b);
        double gradScale = lossScale / temperature;
        double total = 0;
        double[][][] gradients = new double[crops][b][k];
        double[] logP = new double[k];
        for (int v = 0; v < crops; v++) {
            for (int row = 0; row < b; row++) {
                logSoftmax(scores[v][row], temperature, logP);
                double[] grad = gradients[v][row];
                for (int i = 0; i < assigning; i++) {
                    if (assignCrops.get(i) == v) {
                        continue;
                    }
                    double[] q = codes[i][row];
                    double cross = 0;
                    double mass = 0;
                    for (int j = 0; j < k; j++) {
                        cross += q[j] * logP[j];
                        mass += q[j];
                    }
                    total -= cross;
                    for (int j = 0; j < k; j++) {
                        grad[j] += gradScale * (Math.exp(logP[j]) * mass - q[j]);
                    }
                }
            }
        }
        return new Result(total * lossScale, gradients, codes);
    }

    /** The loss without queue on port tensors: one [B, K] tensor per crop. */
    public static Result compute(List<Tensor> scores, List<Integer> assignCrops, double temperature, double epsilon,
                                 int iterations) {
        if (scores == null) {
            throw new IllegalArgumentException("scores must not be null");
        }
        return compute(Matrices.toMatrices(scores), assignCrops, temperature, epsilon, iterations, null);
    }

    /** out = log_softmax(s / T), stable: shift by the maximum before exponentiating. */
    static void logSoftmax(double[] s, double temperature, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            max = Math.max(max, v / temperature);
        }
        double sum = 0;
        for (int j = 0; j < s.length; j++) {
            out[j] = s[j] / temperature - max;
            sum += Math.exp(out[j]);
        }
        double logSum = Math.log(sum);
        for (int j = 0; j < s.length; j++) {
            out[j] -= logSum;
        }
    }

    private static int checkCrops(double[][][] scores, List<Integer> assignCrops, double[][][] queueScores) {
        if (scores == null || scores.length < 2) {
            throw new IllegalArgumentException("scores must hold at least 2 crops, got "
                    + (scores == null ? "null" : scores.length));
        }
        int k = SinkhornKnopp.checkScores("scores of crop 0", scores[0], -1);
        int b = scores[0].length;
        for (int c = 1; c < scores.length; c++) {
            SinkhornKnopp.checkScores("scores of crop " + c, scores[c], k);
            if (scores[c].length != b) {
                throw new IllegalArgumentException("crop " + c + " has " + scores[c].length
                        + " rows but crop 0 has " + b + ": every crop needs one row per image");
            }
        }
        if (assignCrops == null || assignCrops.isEmpty()) {
            throw new IllegalArgumentException("assignCrops must name at least one crop");
        }
        Set<Integer> seen = new HashSet<>();
        for (Integer c : assignCrops) {
            if (c == null || c < 0 || c >= scores.length) {
                throw new IllegalArgumentException("assignCrops holds " + c + ", not a crop index in [0, "
                        + scores.length + ")");
            }
            if (!seen.add(c)) {
                throw new IllegalArgumentException("assignCrops names crop " + c + " twice");
            }
        }
        if (queueScores != null && queueScores.length != assignCrops.size()) {
            throw new IllegalArgumentException("queueScores must hold one entry per assigning crop ("
                    + assignCrops.size() + "), got " + queueScores.length);
        }
        return scores.length;
    }
}
