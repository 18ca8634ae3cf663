package org.seer4j.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.wiring.MetricsFiles;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.port.MetricsSink;

class RecordingMetricsTest {

    private static MetricsRecord step(long s, double loss) {
        return new MetricsRecord(s, 0, loss, 0.5, 20, Map.of("corrupt", s));
    }

    @Test
    void aResumedRunsHistoryIsTheEarlierRecordsReadOnceThenTheRecordsAsTheyAreLogged(@TempDir Path dir) throws Exception {
        RecordingMetrics metrics = new RecordingMetrics(new MetricsFiles());
        // an earlier invocation logged steps 1 and 2, the second with a NaN loss, and a malformed line
        try (MetricsSink earlier = new MetricsFiles().open(dir, "jsonl")) {
            earlier.record(step(1, 4.0));
            earlier.record(step(2, Double.NaN));
        }
        Files.writeString(dir.resolve(RunFolder.METRICS), "{\"step\":3,\"ep\n", java.nio.file.StandardOpenOption.APPEND);

        MetricsHistory history = metrics.follow(dir);
        // the resumed invocation logs step 2 again (after the last checkpoint) and step 3, into two sinks
        try (MetricsSink jsonl = metrics.open(dir, "jsonl"); MetricsSink csv = metrics.open(dir, "csv")) {
            for (MetricsRecord r : List.of(step(2, 3.5), step(3, 3.0))) {
                jsonl.record(r);
                csv.record(r);
            }
        }

        List<MetricsRecord> records = history.records();
        assertThat(records).extracting(MetricsRecord::step).containsExactly(1L, 2L, 3L);
        assertThat(records.get(0)).isEqualTo(step(1, 4.0));
        assertThat(records.get(1)).isEqualTo(step(2, 3.5));
        assertThat(records.get(2)).isEqualTo(step(3, 3.0));
        // the file read back through Jackson gives the same records (the malformed line dropped, the later step 2 kept)
        assertThat(MetricsLog.read(dir.resolve(RunFolder.METRICS))).isEqualTo(records);
    }

    @Test
    void aNullLossReadsBackAsNaN(@TempDir Path dir) throws Exception {
        try (MetricsSink s = new MetricsFiles().open(dir, "jsonl")) {
            s.record(step(1, Double.NaN));
        }
        assertThat(Files.readString(dir.resolve(RunFolder.METRICS))).contains("\"loss\":null");
        assertThat(MetricsLog.read(dir.resolve(RunFolder.METRICS)).get(0).loss()).isNaN();
    }
}
