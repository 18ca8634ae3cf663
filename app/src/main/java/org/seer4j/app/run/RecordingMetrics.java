package org.seer4j.app.run;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.port.MetricsSink;
import org.seer4j.core.service.MetricsSinkFactory;

/**
 * The metrics sinks of {@code output.metrics}, each also feeding the in-memory {@link MetricsHistory} of a run
 * folder that is being {@link #follow followed}, so the report needs no second pass over the files.
 */
public final class RecordingMetrics implements MetricsSinkFactory {
    private final MetricsSinkFactory files;
    private final Map<Path, MetricsHistory> followed = new ConcurrentHashMap<>();

    public RecordingMetrics(MetricsSinkFactory files) {
        this.files = files;
    }

    /** Starts keeping the records logged into {@code runDirectory}; call before the run opens its sinks. */
    public MetricsHistory follow(Path runDirectory) {
        MetricsHistory h = MetricsHistory.continuing(runDirectory);
        followed.put(key(runDirectory), h);
        return h;
    }

    @Override
    public MetricsSink open(Path runDirectory, String kind) {
        MetricsSink file = files.open(runDirectory, kind);
        MetricsHistory history = followed.get(key(runDirectory));
        if (history == null) return file;
        return new MetricsSink() {
            @Override
            public void record(MetricsRecord record) {
                file.record(record);
                history.add(record);
            }

            @Override
            public void close() {
                file.close();
            }
        };
    }

    private static Path key(Path dir) {
        return dir.toAbsolutePath().normalize();
    }
}
