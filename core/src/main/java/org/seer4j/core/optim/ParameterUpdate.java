package org.seer4j.core.optim;

import org.seer4j.core.config.OptimConfig;

/**
 * The update of one parameter tensor in one step: the math every engine reproduces in its own tensor ops.
 *
 * <ul>
 *   <li>{@code sgd}: PyTorch SGD with momentum and weight decay on every tensor ({@link Sgd}); as in SwAV,
 *       biases and norm parameters are decayed too.</li>
 *   <li>{@code lars}: LARC around SGD ({@link Lars}); with {@code lars_exclude_bias_and_norm} biases and
 *       normalisation parameters instead get plain momentum SGD with neither scaling nor weight decay.</li>
 * </ul>
 * A tensor frozen this step (the prototypes while {@code StepPlan.freezePrototypes()}) is not passed here at
 * all: SwAV drops its gradient, and PyTorch's SGD then leaves both the weights and the momentum buffer alone.
 * Momentum buffers start zeroed (see {@link Sgd}).
 */
public final class ParameterUpdate {
    private ParameterUpdate() {
    }

    /**
     * Updates {@code w} and {@code momentumBuffer} in place from gradient {@code g}.
     *
     * @param name       the tensor's interchange name, for messages
     * @param optim      optimiser settings
     * @param lr         this step's scheduled learning rate
     * @param biasOrNorm the tensor is a bias or a normalisation parameter (see {@link #isBiasOrNorm})
     */
    public static void apply(String name, float[] w, float[] g, float[] momentumBuffer, OptimConfig optim, double lr,
                             boolean biasOrNorm) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate for " + name + " must be finite and >= 0, got " + lr);
        }
        try {
            Sgd.checkShapes(w, g, momentumBuffer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
        switch (optim.name()) {
            case "sgd" -> Sgd.step(w, g, momentumBuffer, lr, optim.momentum(), optim.weightDecay());
            case "lars" -> {
                if (biasOrNorm && optim.larsExcludeBiasAndNorm()) {
                    Sgd.step(w, g, momentumBuffer, lr, optim.momentum(), 0.0);
                } else {
                    Lars.step(w, g, momentumBuffer, lr, optim.momentum(), optim.weightDecay(), optim.larsTrust(),
                            optim.larsClip());
                }
            }
            default -> throw new IllegalArgumentException("unknown optimiser " + optim.name());
        }
    }

    /**
     * Whether a tensor of this shape is a bias or a normalisation parameter: in RegNet and the SwAV head those are
     * exactly the rank-1 tensors (conv weights are rank 4, linear weights and prototypes rank 2).
     */
    public static boolean isBiasOrNorm(int[] shape) {
        return shape.length <= 1;
    }
}
