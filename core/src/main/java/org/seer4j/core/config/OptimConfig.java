package org.seer4j.core.config;

import java.util.List;

/**
 * The {@code optim} section: optimiser and learning-rate schedule (defaults: SwAV ImageNet).
 *
 * @param name               {@code sgd} or {@code lars} (SGD with momentum plus LARC scaling)
 * @param momentum           heavy-ball momentum
 * @param weightDecay        L2 weight decay added to the gradient
 * @param baseLr             peak learning rate for {@code lrBatchSize} images; scaled linearly with the batch
 * @param lrBatchSize        the batch {@code baseLr} is quoted for (256 in SwAV's papers)
 * @param warmupStartLr      learning rate at iteration 0, as a fraction-free absolute value
 * @param finalLrRatio       cosine decays to {@code finalLrRatio * peak}
 * @param warmupSteps        linear warmup iterations
 * @param larsTrust          LARC trust coefficient
 * @param larsClip           LARC clip mode (min(local/global, 1)) instead of scale mode
 * @param larsExcludeBiasAndNorm biases and BN parameters get no LARC scaling and no weight decay
 * @param stateDtype         dtype of the optimiser's per-parameter state (momentum): {@code float32} or
 *                           {@code bfloat16} (half the memory; the weights and the update stay float32)
 */
public record OptimConfig(String name, double momentum, double weightDecay, double baseLr, int lrBatchSize,
                          double warmupStartLr, double finalLrRatio, long warmupSteps, double larsTrust,
                          boolean larsClip, boolean larsExcludeBiasAndNorm, String stateDtype) {

    public static final List<String> NAMES = List.of("sgd", "lars");
    public static final List<String> STATE_DTYPES = List.of("float32", "bfloat16");

    /** Settings with float32 optimiser state. */
    public OptimConfig(String name, double momentum, double weightDecay, double baseLr, int lrBatchSize,
                       double warmupStartLr, double finalLrRatio, long warmupSteps, double larsTrust,
                       boolean larsClip, boolean larsExcludeBiasAndNorm) {
        this(name, momentum, weightDecay, baseLr, lrBatchSize, warmupStartLr, finalLrRatio, warmupSteps, larsTrust,
                larsClip, larsExcludeBiasAndNorm, "float32");
    }

    public OptimConfig {
        Check.oneOf("optim.name", name, NAMES);
        if (!(momentum >= 0 && momentum < 1)) throw new ConfigException("optim.momentum", "must be in [0, 1), got " + momentum);
        Check.nonNegative("optim.weight_decay", weightDecay);
        Check.positive("optim.base_lr", baseLr);
        Check.positive("optim.lr_batch_size", lrBatchSize);
        Check.nonNegative("optim.warmup_start_lr", warmupStartLr);
        if (!(finalLrRatio >= 0 && finalLrRatio <= 1)) {
            throw new ConfigException("optim.final_lr_ratio", "must be in [0, 1], got " + finalLrRatio);
        }
        Check.nonNegative("optim.warmup_steps", warmupSteps);
        Check.positive("optim.lars_trust", larsTrust);
        Check.oneOf("optim.state_dtype", stateDtype, STATE_DTYPES);
    }

    public static OptimConfig defaults() {
        return new OptimConfig("lars", 0.9, 1e-6, 0.3, 256, 0.0, 0.001, 0, 0.001, false, true, "float32");
    }

    /** The peak learning rate for a global batch of {@code batchSize} images. */
    public double peakLr(int batchSize) {
        return baseLr * batchSize / lrBatchSize;
    }
}
