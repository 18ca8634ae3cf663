package org.seer4j.data.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.port.MetricsSink;

/**
 * A metrics file of one line per record, appended to (a resumed run continues it) and flushed every line, so a
 * crash loses at most the line being written. Subclasses say how a record is spelled.
 */
abstract class LineFileSink implements MetricsSink {
    private final BufferedWriter out;

    LineFileSink(Path file, String header) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        if (fresh && header != null) {
            writeLine(header);
        }
    }

    abstract String format(MetricsRecord record);

    @Override
    public final synchronized void record(MetricsRecord record) {
        writeLine(format(record));
    }

    private void writeLine(String line) {
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics", e);
        }
    }

    @Override
    public final synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close metrics file", e);
        }
    }
}
