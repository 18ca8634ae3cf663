package org.seer4j.core.port;

import java.util.Map;

/**
 * One logged step. {@code skipped} counts unreadable images by reason so far; {@code dataWaitMs} is the mean
 * time a step waited for its batch since the previous record (NaN when unknown): near zero when the data
 * pipeline keeps ahead of the engine, a large part of the step time when it is the bottleneck.
 */
public record MetricsRecord(long step, long epoch, double loss, double lr, double imagesPerSecond,
                            Map<String, Long> skipped, double dataWaitMs) {
    public MetricsRecord {
        skipped = Map.copyOf(skipped);
    }

    public MetricsRecord(long step, long epoch, double loss, double lr, double imagesPerSecond,
                         Map<String, Long> skipped) {
        this(step, epoch, loss, lr, imagesPerSecond, skipped, Double.NaN);
    }
}
