package org.seer4j.data.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.data.json.Json;

class MetricsSinksTest {
    @TempDir
    Path dir;

    @Test
    void jsonLinesWritesOneParsableObjectPerRecordAndAppendsOnResume() throws IOException {
        Path f = dir.resolve("m/metrics.jsonl");
        try (JsonLinesMetricsSink s = new JsonLinesMetricsSink(f)) {
            s.record(new MetricsRecord(1, 0, 8.25, 0.3, 120.5, Map.of("corrupt", 2L, "empty", 1L)));
            s.record(new MetricsRecord(2, 0, Double.NaN, 0.3, 121, Map.of()));
        }
        try (JsonLinesMetricsSink s = new JsonLinesMetricsSink(f)) {
            s.record(new MetricsRecord(3, 1, 7.5, 0.29, 119, Map.of()));
        }
        List<String> lines = Files.readAllLines(f);
        assertThat(lines).hasSize(3);
        Map<?, ?> first = (Map<?, ?>) Json.parse(lines.get(0));
        assertThat(first.get("step")).isEqualTo(1L);
        assertThat(first.get("loss")).isEqualTo(8.25);
        assertThat(first.get("images_per_second")).isEqualTo(120.5);
        assertThat(first.get("skipped")).isEqualTo(Map.of("corrupt", 2L, "empty", 1L));
        Map<?, ?> second = (Map<?, ?>) Json.parse(lines.get(1));
        assertThat(second.containsKey("loss")).isTrue();
        assertThat(second.get("loss")).isNull();
        assertThat(((Map<?, ?>) Json.parse(lines.get(2))).get("epoch")).isEqualTo(1L);
    }

    @Test
    void csvHasAFixedHeaderOnceAndAColumnPerSkipReason() throws IOException {
        Path f = dir.resolve("metrics.csv");
        try (CsvMetricsSink s = new CsvMetricsSink(f)) {
            s.record(new MetricsRecord(1, 0, 8.25, 0.3, 120.5, Map.of("corrupt", 2L, "weird", 5L), 7.25));
        }
        try (CsvMetricsSink s = new CsvMetricsSink(f)) {
            s.record(new MetricsRecord(2, 0, 8.0, 0.3, 100, Map.of()));
        }
        List<String> lines = Files.readAllLines(f);
        assertThat(lines).hasSize(3);
        List<String> header = List.of(lines.get(0).split(","));
        assertThat(header).startsWith("step", "epoch", "loss", "lr", "images_per_second", "data_wait_ms")
                .endsWith("skipped_other")
                .contains("skipped_corrupt", "skipped_symlink_loop");
        List<String> row = List.of(lines.get(1).split(","));
        assertThat(row).hasSameSizeAs(header);
        assertThat(row.get(header.indexOf("loss"))).isEqualTo("8.25");
        assertThat(row.get(header.indexOf("data_wait_ms"))).isEqualTo("7.25");
        assertThat(row.get(header.indexOf("skipped_corrupt"))).isEqualTo("2");
        assertThat(row.get(header.indexOf("skipped_empty"))).isEqualTo("0");
        assertThat(row.get(header.indexOf("skipped_other"))).isEqualTo("5");
    }

    @Test
    void aCompositeSinkFeedsEverySink() throws IOException {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.csv");
        try (CompositeMetricsSink s = new CompositeMetricsSink(List.of(new JsonLinesMetricsSink(a), new CsvMetricsSink(b)))) {
            s.record(new MetricsRecord(1, 0, 1, 1, 1, Map.of()));
        }
        assertThat(Files.readAllLines(a)).hasSize(1);
        assertThat(Files.readAllLines(b)).hasSize(2);
    }
}
