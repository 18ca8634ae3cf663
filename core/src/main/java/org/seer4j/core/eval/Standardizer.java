package org.seer4j.core.eval;

/**
 * Per-feature standardisation z = (x - mean) / std with statistics fitted on the training features only, so no
 * information leaks from the test split. Constant features (std 0) are only centred.
 */
public final class Standardizer {
    private final double[] mean;
    private final double[] scale;

    private Standardizer(double[] mean, double[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    public static Standardizer fit(FeatureSet train) {
        int d = train.cols();
        int n = train.rows();
        if (n == 0) {
            throw new IllegalArgumentException("cannot fit a standardisation on no rows");
        }
        double[] mean = new double[d];
        double[] sq = new double[d];
        float[] x = train.values();
        for (int r = 0; r < n; r++) {
            int base = r * d;
            for (int c = 0; c < d; c++) {
                mean[c] += x[base + c];
            }
        }
        for (int c = 0; c < d; c++) {
            mean[c] /= n;
        }
        for (int r = 0; r < n; r++) {
            int base = r * d;
            for (int c = 0; c < d; c++) {
                double dev = x[base + c] - mean[c];
                sq[c] += dev * dev;
            }
        }
        double[] scale = new double[d];
        for (int c = 0; c < d; c++) {
            double std = Math.sqrt(sq[c] / n);
            scale[c] = std > 1e-12 ? 1 / std : 1;
        }
        return new Standardizer(mean, scale);
    }

    public FeatureSet apply(FeatureSet in) {
        int d = in.cols();
        if (d != mean.length) {
            throw new IllegalArgumentException("fitted on " + mean.length + " features, got " + d);
        }
        float[] x = in.values();
        float[] out = new float[x.length];
        for (int r = 0; r < in.rows(); r++) {
            int base = r * d;
            for (int c = 0; c < d; c++) {
                out[base + c] = (float) ((x[base + c] - mean[c]) * scale[c]);
            }
        }
        return new FeatureSet(out, in.rows(), d, in.labels());
    }

    public double mean(int feature) {
        return mean[feature];
    }

    public double std(int feature) {
        return 1 / scale[feature];
    }
}
