package org.seer4j.data.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.data.json.Json;

/**
 * One JSON object per line: {@code {"step":..,"epoch":..,"loss":..,"lr":..,"images_per_second":..,
 * "skipped":{reason:count}}}. Appends (a resumed run continues the file) and flushes every line, so a crash
 * loses at most the line being written; non-finite numbers are written as {@code null}, which JSON can hold.
 */
public final class JsonLinesMetricsSink extends LineFileSink {
    private static final ObjectWriter LINE = Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public JsonLinesMetricsSink(Path file) throws IOException {
        super(file, null);
    }

    @Override
    String format(MetricsRecord record) {
        return line(record);
    }

    /** The record itself through Jackson; the skipped reasons sorted, so equal runs write equal lines. */
    static String line(MetricsRecord r) {
        try {
            return LINE.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a metrics record as JSON", e);
        }
    }
}
