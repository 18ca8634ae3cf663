package org.seer4j.core.port;

/** The outcome of one training step: the loss and where the time went (nanoseconds). */
public record StepResult(double loss, long forwardNanos, long sinkhornNanos, long backwardNanos, long updateNanos) {
    public long totalNanos() {
        return forwardNanos + sinkhornNanos + backwardNanos + updateNanos;
    }
}
