package org.seer4j.core.service;

/** The loss became NaN or infinite; nothing is saved for the broken step. */
public class TrainingDivergedException extends RuntimeException {
    private final long step;

    public TrainingDivergedException(long step, String message) {
        super(message);
        this.step = step;
    }

    /** The 1-based step whose loss was not finite. */
    public long step() {
        return step;
    }
}
