package org.seer4j.core.optim;

/**
 * LARC as SwAV uses it (NVIDIA apex's {@code LARC} wrapped around SGD), per parameter tensor:
 * <pre>
 *   local = trust * ||w|| / (||g|| + weightDecay * ||w|| + eps)
 *   scale mode: factor = local;  clip mode: factor = min(local / lr, 1)   (so lr * factor = min(local, lr))
 *   d = (g + weightDecay * w) * factor, then SGD with momentum on d and no further weight decay
 * </pre>
 * Only when both norms are non-zero; otherwise (a zero-initialised tensor, a zero gradient) the raw gradient
 * goes to SGD unscaled and without weight decay, exactly as apex skips the tensor while SGD's own decay is off.
 * Clip mode at lr = 0 gives factor 1 (local / 0 is infinite), as in apex.
 */
public final class Lars {

    /** apex LARC's default epsilon, which SwAV keeps. */
    public static final double EPS = 1e-8;

    private Lars() {
    }

    /** The adaptive local learning rate trust * ||w|| / (||g|| + wd * ||w|| + eps). */
    public static double localLr(double weightNorm, double gradNorm, double trust, double weightDecay) {
        return trust * weightNorm / (gradNorm + weightDecay * weightNorm + EPS);
    }

    /**
     * The factor the decayed gradient is multiplied by, or NaN when a norm is zero (then the tensor is not
     * scaled and gets no weight decay).
     */
    public static double gradientFactor(double weightNorm, double gradNorm, double lr, double trust,
                                        double weightDecay, boolean clip) {
        if (weightNorm == 0 || gradNorm == 0) {
            return Double.NaN;
        }
        double local = localLr(weightNorm, gradNorm, trust, weightDecay);
        return clip ? Math.min(local / lr, 1.0) : local;
    }

    /** One LARC + SGD-with-momentum step on one tensor, in place. */
    public static void step(float[] w, float[] g, float[] momentumBuffer, double lr, double momentum,
                            double weightDecay, double trust, boolean clip) {
        Sgd.checkShapes(w, g, momentumBuffer);
        double factor = gradientFactor(norm(w), norm(g), lr, trust, weightDecay, clip);
        if (Double.isNaN(factor)) {
            Sgd.step(w, g, momentumBuffer, lr, momentum, 0.0, 1.0);
        } else {
            Sgd.step(w, g, momentumBuffer, lr, momentum, weightDecay, factor);
        }
    }

    /** Euclidean norm of the whole tensor, accumulated in double. */
    public static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
