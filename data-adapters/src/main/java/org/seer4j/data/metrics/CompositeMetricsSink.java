package org.seer4j.data.metrics;

import java.util.List;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.port.MetricsSink;

/** Sends every record to several sinks (JSON lines and CSV today, TensorBoard later). */
public final class CompositeMetricsSink implements MetricsSink {
    private final List<MetricsSink> sinks;

    public CompositeMetricsSink(List<MetricsSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public void record(MetricsRecord record) {
        for (MetricsSink s : sinks) {
            s.record(record);
        }
    }

    /** Closes every sink even if one fails; the first failure is rethrown. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (MetricsSink s : sinks) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
