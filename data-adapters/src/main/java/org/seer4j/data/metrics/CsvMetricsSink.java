package org.seer4j.data.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.port.MetricsSink;
import org.seer4j.data.image.SkipReason;

/**
 * CSV with a fixed header: step, epoch, loss, lr, images_per_second, one {@code skipped_<reason>} column per
 * {@link SkipReason} and {@code skipped_other} for reasons it does not know. Appends to an existing file
 * (without repeating the header) and flushes every row. Non-finite numbers are written as {@code NaN}/{@code Inf}
 * spelled as Java does, which spreadsheet tools and pandas read.
 */
public final class CsvMetricsSink implements MetricsSink {
    private static final List<String> REASONS = reasons();
    private final BufferedWriter out;

    public CsvMetricsSink(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        if (fresh) {
            out.write(header());
            out.write('\n');
            out.flush();
        }
    }

    private static List<String> reasons() {
        List<String> r = new ArrayList<>();
        for (SkipReason s : SkipReason.values()) {
            r.add(s.key());
        }
        return List.copyOf(r);
    }

    static String header() {
        StringBuilder b = new StringBuilder("step,epoch,loss,lr,images_per_second");
        for (String r : REASONS) {
            b.append(",skipped_").append(r);
        }
        return b.append(",skipped_other").toString();
    }

    static String row(MetricsRecord r) {
        StringBuilder b = new StringBuilder();
        b.append(r.step()).append(',').append(r.epoch()).append(',').append(r.loss()).append(',').append(r.lr())
                .append(',').append(r.imagesPerSecond());
        long other = 0;
        for (Map.Entry<String, Long> e : r.skipped().entrySet()) {
            if (!REASONS.contains(e.getKey())) {
                other += e.getValue();
            }
        }
        for (String reason : REASONS) {
            b.append(',').append(r.skipped().getOrDefault(reason, 0L));
        }
        return b.append(',').append(other).toString();
    }

    @Override
    public synchronized void record(MetricsRecord record) {
        try {
            out.write(row(record));
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
