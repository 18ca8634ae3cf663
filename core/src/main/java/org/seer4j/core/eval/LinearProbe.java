package org.seer4j.core.eval;

/**
 * The linear-probe protocol: standardise features with training statistics, fit a multinomial logistic
 * regression with a small L2 penalty by L-BFGS (full batch, deterministic), report top-1 on the test features.
 */
public final class LinearProbe {
    /** Default L2 strength on the mean cross-entropy: enough to keep separable data bounded, little bias. */
    public static final double DEFAULT_L2 = 1e-4;

    private final int iterations;
    private final double l2;

    public LinearProbe(int iterations, double l2) {
        if (iterations < 1) {
            throw new IllegalArgumentException("the probe needs at least 1 iteration, got " + iterations);
        }
        if (!(l2 >= 0)) {
            throw new IllegalArgumentException("l2 must be >= 0, got " + l2);
        }
        this.iterations = iterations;
        this.l2 = l2;
    }

    /** A fitted probe: the standardisation and the class-major weights (see {@link SoftmaxObjective}). */
    public record Fit(Standardizer standardizer, double[] weights, int classes, int cols, double trainLoss) {
        public int[] predict(FeatureSet features) {
            return SoftmaxObjective.predict(weights, classes, standardizer.apply(features));
        }

        /** Weight of feature {@code col} (standardised) for class {@code c}; {@code col == cols} is the bias. */
        public double weight(int c, int col) {
            return weights[c * (cols + 1) + col];
        }
    }

    public Fit fit(FeatureSet train) {
        return fit(train, train.classes());
    }

    public Fit fit(FeatureSet train, int classes) {
        Standardizer st = Standardizer.fit(train);
        SoftmaxObjective objective = new SoftmaxObjective(st.apply(train), classes, l2);
        double[] w = new double[objective.parameterCount()];
        double loss = new Lbfgs(10, iterations, 1e-7).minimise(objective::valueAndGradient, w);
        return new Fit(st, w, classes, train.cols(), loss);
    }

    /** Top-1 accuracy on {@code test} of the probe fitted on {@code train}. */
    public double accuracy(FeatureSet train, FeatureSet test) {
        int classes = Math.max(train.classes(), test.classes());
        Fit fit = fit(train, classes);
        return Accuracy.top1(fit.predict(test), test.labels());
    }
}
