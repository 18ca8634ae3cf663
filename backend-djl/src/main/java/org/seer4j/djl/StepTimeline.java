package org.seer4j.djl;

import java.util.ArrayList;
import java.util.List;
import org.seer4j.core.port.OpKind;

/**
 * Wall-clock regions of a profiled step whose kind the model knows better than an op's name could tell: bringing
 * the batch in, the head's forward and its backward, Sinkhorn, the update. {@link #OFF} (every unprofiled step)
 * records nothing.
 */
final class StepTimeline {
    static final StepTimeline OFF = new StepTimeline(false);

    /** One region, in {@link System#nanoTime()} terms. */
    record Region(OpKind kind, boolean backward, long startNanos, long endNanos) {
    }

    private final boolean on;
    private final List<Region> regions = new ArrayList<>();

    private StepTimeline(boolean on) {
        this.on = on;
    }

    static StepTimeline recording() {
        return new StepTimeline(true);
    }

    /** The start of a region (0 when off). */
    long start() {
        return on ? System.nanoTime() : 0;
    }

    /** Ends the region begun at {@code start}. */
    void end(OpKind kind, boolean backward, long start) {
        if (on) regions.add(new Region(kind, backward, start, System.nanoTime()));
    }

    List<Region> regions() {
        return List.copyOf(regions);
    }
}
