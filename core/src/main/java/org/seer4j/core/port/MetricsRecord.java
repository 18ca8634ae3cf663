package org.seer4j.core.port;

import java.util.Map;

/** One logged step. {@code skipped} counts unreadable images by reason so far. */
public record MetricsRecord(long step, long epoch, double loss, double lr, double imagesPerSecond,
                            Map<String, Long> skipped) {
    public MetricsRecord {
        skipped = Map.copyOf(skipped);
    }
}
