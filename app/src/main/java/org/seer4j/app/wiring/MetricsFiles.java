package org.seer4j.app.wiring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.seer4j.core.port.MetricsSink;
import org.seer4j.core.service.MetricsSinkFactory;
import org.seer4j.data.metrics.CsvMetricsSink;
import org.seer4j.data.metrics.JsonLinesMetricsSink;
import org.seer4j.data.metrics.TensorBoardMetricsSink;

/**
 * {@code output.metrics} kinds as files of the run folder: {@code metrics.jsonl}, {@code metrics.csv}, a TensorBoard
 * {@code events.out.tfevents.<seconds>.<host>}.
 */
public final class MetricsFiles implements MetricsSinkFactory {
    @Override
    public MetricsSink open(Path runDirectory, String kind) {
        try {
            return switch (kind) {
                case "jsonl" -> new JsonLinesMetricsSink(runDirectory.resolve("metrics.jsonl"));
                case "csv" -> new CsvMetricsSink(runDirectory.resolve("metrics.csv"));
                case "tensorboard" -> new TensorBoardMetricsSink(runDirectory);
                default -> throw new IllegalArgumentException("output.metrics: unknown sink '" + kind + "'");
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the " + kind + " metrics file in " + runDirectory, e);
        }
    }
}
