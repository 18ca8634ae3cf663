package org.seer4j.data.metrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.data.json.Json;

/**
 * One JSON object per line: {@code {"step":..,"epoch":..,"loss":..,"lr":..,"images_per_second":..,
 * "skipped":{reason:count}}}. Appends (a resumed run continues the file) and flushes every line, so a crash
 * loses at most the line being written; non-finite numbers are written as {@code null}, which JSON can hold.
 */
public final class JsonLinesMetricsSink extends LineFileSink {

    public JsonLinesMetricsSink(Path file) throws IOException {
        super(file, null);
    }

    @Override
    String format(MetricsRecord record) {
        return line(record);
    }

    static String line(MetricsRecord r) {
        StringBuilder b = new StringBuilder(160);
        b.append("{\"step\":").append(r.step());
        b.append(",\"epoch\":").append(r.epoch());
        b.append(",\"loss\":").append(number(r.loss()));
        b.append(",\"lr\":").append(number(r.lr()));
        b.append(",\"images_per_second\":").append(number(r.imagesPerSecond()));
        b.append(",\"data_wait_ms\":").append(number(r.dataWaitMs()));
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
}
