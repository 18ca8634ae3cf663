package org.seer4j.core.optim;

import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.OptimConfig;

/**
 * Learning rate per iteration: linear warmup from {@code startLr} to {@code peakLr}, then a half cosine from
 * {@code peakLr} down to {@code finalLr}, which is reached at {@code totalSteps} and kept afterwards.
 *
 * <pre>
 *   it &lt; W:          startLr + (peakLr - startLr) * it / W
 *   W &lt;= it &lt; S:     finalLr + 0.5 (peakLr - finalLr)(1 + cos(pi t / T)),  t = it - W, T = S - W
 *   it &gt;= S:         finalLr
 * </pre>
 * SwAV builds its warmup with {@code linspace(start, base, W)}, which reaches the peak one step early and then
 * repeats it as the first cosine step; here the warmup ends exactly where the cosine starts, so the schedule is
 * continuous and {@code at(W) = peakLr}.
 */
public record LrSchedule(double startLr, double peakLr, double finalLr, long warmupSteps, long totalSteps) {

    public LrSchedule {
        requireRate("startLr", startLr);
        requireRate("peakLr", peakLr);
        requireRate("finalLr", finalLr);
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("totalSteps must be > 0, got " + totalSteps);
        }
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException(
                    "warmupSteps must be in [0, totalSteps = " + totalSteps + "], got " + warmupSteps);
        }
    }

    /**
     * The schedule of a run: peak = base_lr * batch / lr_batch_size, final = final_lr_ratio * peak, warmup from
     * warmup_start_lr over warmup_steps.
     */
    public static LrSchedule of(OptimConfig optim, int batchSize, long totalSteps) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
        if (optim.warmupSteps() > totalSteps) {
            throw new ConfigException("optim.warmup_steps",
                    "must not exceed the run's total steps (" + totalSteps + "), got " + optim.warmupSteps());
        }
        double peak = optim.peakLr(batchSize);
        return new LrSchedule(optim.warmupStartLr(), peak, optim.finalLrRatio() * peak, optim.warmupSteps(),
                totalSteps);
    }

    /** The learning rate of 0-based iteration {@code it}. */
    public double at(long it) {
        if (it < 0) {
            throw new IllegalArgumentException("iteration must be >= 0, got " + it);
        }
        if (it < warmupSteps) {
            return startLr + (peakLr - startLr) * it / warmupSteps;
        }
        if (it >= totalSteps) {
            return finalLr;
        }
        double t = it - warmupSteps;
        double span = totalSteps - warmupSteps;
        return finalLr + 0.5 * (peakLr - finalLr) * (1 + Math.cos(Math.PI * t / span));
    }

    private static void requireRate(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        }
    }
}
