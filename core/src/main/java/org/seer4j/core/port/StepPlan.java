package org.seer4j.core.port;

/**
 * What the core decides for one training step and hands to the engine with the batch.
 *
 * @param iteration        0-based global step
 * @param lr               learning rate of this step (schedule already applied)
 * @param freezePrototypes prototypes get no update this step
 * @param useQueue         queue scores join Sinkhorn this step (the queue is full and started)
 */
public record StepPlan(long iteration, double lr, boolean freezePrototypes, boolean useQueue) {
    public StepPlan {
        if (iteration < 0) throw new IllegalArgumentException("iteration must be >= 0");
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr must be finite and >= 0, got " + lr);
    }
}
