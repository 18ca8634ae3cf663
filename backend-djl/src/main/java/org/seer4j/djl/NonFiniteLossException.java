package org.seer4j.djl;

/** Training stops rather than update weights from a NaN or infinite loss. */
public final class NonFiniteLossException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final long iteration;

    NonFiniteLossException(long iteration, double loss) {
        super("loss is " + loss + " at step " + iteration + "; training stopped before updating the weights"
                + " (lower the learning rate, check the input data for NaN/inf, or resume from an earlier checkpoint)");
        this.iteration = iteration;
    }

    public long iteration() {
        return iteration;
    }
}
