package org.seer4j.core.optim;

/**
 * PyTorch's SGD with momentum (dampening 0, not Nesterov), on float arrays in place:
 * <pre>
 *   d   = (g + weightDecay * w) * gradientScale
 *   buf = momentum * buf + d
 *   w   = w - lr * buf
 * </pre>
 * PyTorch starts the buffer as a copy of d on the first step; a zero-initialised buffer gives exactly that
 * (momentum * 0 + d = d), so callers allocate the buffer zeroed and never special-case the first step.
 * Each element is computed in double and rounded to float once when stored; float32 engines agree to rounding.
 * {@code gradientScale} is 1 for plain SGD; LARC passes its local learning rate there.
 */
public final class Sgd {
    private Sgd() {
    }

    /** One plain SGD step: {@code gradientScale} = 1. */
    public static void step(float[] w, float[] g, float[] momentumBuffer, double lr, double momentum,
                            double weightDecay) {
        step(w, g, momentumBuffer, lr, momentum, weightDecay, 1.0);
    }

    /** One step with the decayed gradient multiplied by {@code gradientScale} before it enters the momentum. */
    public static void step(float[] w, float[] g, float[] momentumBuffer, double lr, double momentum,
                            double weightDecay, double gradientScale) {
        checkShapes(w, g, momentumBuffer);
        for (int i = 0; i < w.length; i++) {
            double d = (g[i] + weightDecay * w[i]) * gradientScale;
            momentumBuffer[i] = (float) (momentum * momentumBuffer[i] + d);
            w[i] = (float) (w[i] - lr * momentumBuffer[i]);
        }
    }

    static void checkShapes(float[] w, float[] g, float[] momentumBuffer) {
        if (w == null || g == null || momentumBuffer == null) {
            throw new IllegalArgumentException("weights, gradient and momentum buffer must not be null");
        }
        if (g.length != w.length || momentumBuffer.length != w.length) {
            throw new IllegalArgumentException("weights (" + w.length + "), gradient (" + g.length
                    + ") and momentum buffer (" + momentumBuffer.length + ") must have the same length");
        }
    }
}
