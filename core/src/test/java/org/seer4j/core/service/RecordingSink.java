package org.seer4j.core.service;

import java.util.ArrayList;
import java.util.List;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.port.MetricsSink;

final class RecordingSink implements MetricsSink {
    final List<MetricsRecord> records = new ArrayList<>();
    boolean closed;

    @Override
    public void record(MetricsRecord record) {
        records.add(record);
    }

    @Override
    public void close() {
        closed = true;
    }
}
