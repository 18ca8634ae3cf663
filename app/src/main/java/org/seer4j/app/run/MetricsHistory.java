package org.seer4j.app.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.seer4j.core.port.MetricsRecord;

/**
 * A run's metrics as they are logged, kept in memory so the report is drawn from the records themselves rather
 * than from the run's own files. A resumed run starts from the records its earlier invocations wrote, read once;
 * a step logged again after a resume replaces the earlier record.
 */
public final class MetricsHistory {
    private final TreeMap<Long, MetricsRecord> byStep = new TreeMap<>();

    private MetricsHistory() {
    }

    /** The history of the run folder {@code dir}, starting with what its {@code metrics.jsonl} already holds. */
    public static MetricsHistory continuing(Path dir) {
        MetricsHistory h = new MetricsHistory();
        try {
            for (MetricsRecord r : MetricsLog.read(dir.resolve(RunFolder.METRICS))) h.byStep.put(r.step(), r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metrics of " + dir + ": " + e.getMessage(), e);
        }
        return h;
    }

    public synchronized void add(MetricsRecord r) {
        byStep.put(r.step(), r);
    }

    /** Every step's record, in step order. */
    public synchronized List<MetricsRecord> records() {
        return new ArrayList<>(byStep.values());
    }
}
