package org.seer4j.core.eval;

import java.util.stream.IntStream;

/**
 * Weighted k-nearest-neighbour classification on L2-normalised features, as self-supervised papers report it
 * (InstDisc, DINO): the k training rows of highest cosine similarity vote for their class with weight
 * exp(similarity / T). Ties in similarity go to the earlier training row; ties in votes to the lower class.
 */
public final class KnnClassifier {
    private final int k;
    private final double temperature;

    public KnnClassifier(int k, double temperature) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        this.k = k;
        this.temperature = temperature;
    }

    public double accuracy(FeatureSet train, FeatureSet test) {
        return Accuracy.top1(predict(train, test), test.labels());
    }

    public int[] predict(FeatureSet train, FeatureSet test) {
        int classes = Math.max(train.classes(), test.classes());
        float[] bank = normalised(train);
        float[] queries = normalised(test);
        int[] out = new int[test.rows()];
        IntStream.range(0, test.rows()).parallel().forEach(r -> out[r] = argmax(votes(bank, train, queries, r, classes)));
        return out;
    }

    /** The class votes of test row {@code row}: sum of exp(cos / T) over its k nearest training rows, by class. */
    public double[] votes(FeatureSet train, FeatureSet test, int row) {
        int classes = Math.max(train.classes(), test.classes());
        return votes(normalised(train), train, normalised(test), row, classes);
    }

    private double[] votes(float[] bank, FeatureSet train, float[] queries, int row, int classes) {
        int d = train.cols();
        int kk = Math.min(k, train.rows());
        double[] topSim = new double[kk];
        int[] topIdx = new int[kk];
        int held = 0;
        int qb = row * d;
        for (int t = 0; t < train.rows(); t++) {
            int tb = t * d;
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += bank[tb + j] * queries[qb + j];
            }
            if (held < kk || s > topSim[held - 1]) {
                // Insertion into the descending top-k list; a later row never displaces an equal earlier one.
                int at = held < kk ? held++ : kk - 1;
                while (at > 0 && topSim[at - 1] < s) {
                    topSim[at] = topSim[at - 1];
                    topIdx[at] = topIdx[at - 1];
                    at--;
                }
                topSim[at] = s;
                topIdx[at] = t;
            }
        }
        double[] votes = new double[classes];
        for (int i = 0; i < held; i++) {
            votes[train.labels()[topIdx[i]]] += Math.exp(topSim[i] / temperature);
        }
        return votes;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int c = 1; c < v.length; c++) {
            if (v[c] > v[best]) {
                best = c;
            }
        }
        return best;
    }

    private static float[] normalised(FeatureSet f) {
        int d = f.cols();
        float[] x = f.values();
        float[] out = new float[x.length];
        for (int r = 0; r < f.rows(); r++) {
            int b = r * d;
            double sq = 0;
            for (int j = 0; j < d; j++) {
                sq += (double) x[b + j] * x[b + j];
            }
            double inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
            for (int j = 0; j < d; j++) {
                out[b + j] = (float) (x[b + j] * inv);
            }
        }
        return out;
    }
}
