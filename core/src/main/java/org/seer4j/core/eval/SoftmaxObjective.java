package org.seer4j.core.eval;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The multinomial logistic-regression objective on a feature set: mean cross-entropy of softmax(W x + b) plus
 * (l2 / 2) |W|^2 (biases unpenalised). Parameters are laid out class-major: W[c][d] at {@code c (D + 1) + d}, the
 * bias of class c at {@code c (D + 1) + D}.
 *
 * <p>Rows are split into fixed chunks evaluated in parallel and summed in chunk order, so the result does not
 * depend on the number of threads.
 */
final class SoftmaxObjective {
    private static final int CHUNK = 512;

    private final FeatureSet data;
    private final int classes;
    private final double l2;

    SoftmaxObjective(FeatureSet data, int classes, double l2) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        for (int y : data.labels()) {
            if (y >= classes) {
                throw new IllegalArgumentException("label " + y + " is outside the " + classes + " classes");
            }
        }
        this.data = data;
        this.classes = classes;
        this.l2 = l2;
    }

    int parameterCount() {
        return classes * (data.cols() + 1);
    }

    /** The objective at {@code w}; its gradient is written into {@code grad}. */
    double valueAndGradient(double[] w, double[] grad) {
        int n = data.rows();
        int chunks = (n + CHUNK - 1) / CHUNK;
        double[][] partialGrad = new double[chunks][];
        double[] partialLoss = new double[chunks];
        IntStream.range(0, chunks).parallel().forEach(ch -> {
            double[] g = new double[w.length];
            partialLoss[ch] = chunk(w, ch * CHUNK, Math.min(n, (ch + 1) * CHUNK), g);
            partialGrad[ch] = g;
        });
        Arrays.fill(grad, 0);
        double loss = 0;
        for (int ch = 0; ch < chunks; ch++) {
            loss += partialLoss[ch];
            double[] g = partialGrad[ch];
            for (int i = 0; i < grad.length; i++) {
                grad[i] += g[i];
            }
        }
        int d = data.cols();
        double penalty = 0;
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < d; j++) {
                int i = c * (d + 1) + j;
                grad[i] = grad[i] / n + l2 * w[i];
                penalty += w[i] * w[i];
            }
            int b = c * (d + 1) + d;
            grad[b] /= n;
        }
        return loss / n + 0.5 * l2 * penalty;
    }

    private double chunk(double[] w, int from, int to, double[] g) {
        int d = data.cols();
        float[] x = data.values();
        int[] y = data.labels();
        double[] z = new double[classes];
        double loss = 0;
        for (int r = from; r < to; r++) {
            int base = r * d;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                int wb = c * (d + 1);
                double s = w[wb + d];
                for (int j = 0; j < d; j++) {
                    s += w[wb + j] * x[base + j];
                }
                z[c] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                z[c] = Math.exp(z[c] - max);
                sum += z[c];
            }
            loss += Math.log(sum) + max - (Math.log(z[y[r]]) + max);
            for (int c = 0; c < classes; c++) {
                double delta = z[c] / sum - (c == y[r] ? 1 : 0);
                int wb = c * (d + 1);
                for (int j = 0; j < d; j++) {
                    g[wb + j] += delta * x[base + j];
                }
                g[wb + d] += delta;
            }
        }
        return loss;
    }

    /** The most probable class of every row of {@code features} under {@code w}. */
    static int[] predict(double[] w, int classes, FeatureSet features) {
        int d = features.cols();
        float[] x = features.values();
        int[] out = new int[features.rows()];
        IntStream.range(0, features.rows()).parallel().forEach(r -> {
            int base = r * d;
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                int wb = c * (d + 1);
                double s = w[wb + d];
                for (int j = 0; j < d; j++) {
                    s += w[wb + j] * x[base + j];
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            out[r] = best;
        });
        return out;
    }
}
