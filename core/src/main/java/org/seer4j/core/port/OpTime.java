package org.seer4j.core.port;

/**
 * Time one kind of operation took in one profiled step (or the mean of several), in milliseconds.
 *
 * @param calls how many engine operations were counted under this kind (0 where the engine only timed a region)
 */
public record OpTime(OpKind kind, double forwardMs, double backwardMs, long calls) {
    public OpTime {
        if (kind == null) throw new IllegalArgumentException("an op time needs its kind");
        if (!(forwardMs >= 0) || !(backwardMs >= 0) || calls < 0) {
            throw new IllegalArgumentException("negative or NaN op time for " + kind + ": " + forwardMs + " / "
                    + backwardMs + " ms, " + calls + " calls");
        }
    }

    public double totalMs() {
        return forwardMs + backwardMs;
    }
}
