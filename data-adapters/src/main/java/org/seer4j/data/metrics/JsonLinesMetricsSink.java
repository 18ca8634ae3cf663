package org.seer4j.data.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.port.MetricsSink;
import org.seer4j.data.json.Json;

/**
 * One JSON object per line: {@code {"step":..,"epoch":..,"loss":..,"lr":..,"images_per_second":..,
 * "skipped":{reason:count}}}. Appends (a resumed run continues the file) and flushes every line, so a crash
 * loses at most the line being written; non-finite numbers are written as {@code null}, which JSON can hold.
 */
public final class JsonLinesMetricsSink implements MetricsSink {
    private final BufferedWriter out;

    public JsonLinesMetricsSink(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    static String line(MetricsRecord r) {
        StringBuilder b = new StringBuilder(160);
        b.append("{\"step\":").append(r.step());
        b.append(",\"epoch\":").append(r.epoch());
        b.append(",\"loss\":").append(number(r.loss()));
        b.append(",\"lr\":").append(number(r.lr()));
        b.append(",\"images_per_second\":").append(number(r.imagesPerSecond()));
        b.append(",\"skipped\":{");
        boolean first = true;
        for (Map.Entry<String, Long> e : new TreeMap<>(r.skipped()).entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            Json.quote(e.getKey(), b);
            b.append(':').append(e.getValue());
        }
        return b.append("}}").toString();
    }

    static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    @Override
    public synchronized void record(MetricsRecord record) {
        try {
            out.write(line(record));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close metrics file", e);
        }
    }
}
