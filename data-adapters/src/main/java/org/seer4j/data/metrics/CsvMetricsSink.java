package org.seer4j.data.metrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.data.image.SkipReason;

/**
 * CSV with a fixed header: step, epoch, loss, lr, images_per_second, data_wait_ms, one {@code skipped_<reason>} column per
 * {@link SkipReason} and {@code skipped_other} for reasons it does not know. Appends to an existing file
 * (without repeating the header) and flushes every row. Non-finite numbers are written as {@code NaN}/{@code Inf}
 * spelled as Java does, which spreadsheet tools and pandas read.
 */
public final class CsvMetricsSink extends LineFileSink {
    private static final List<String> REASONS = reasons();

    public CsvMetricsSink(Path file) throws IOException {
        super(file, header());
    }

    @Override
    String format(MetricsRecord record) {
        return row(record);
    }

    private static List<String> reasons() {
        List<String> r = new ArrayList<>();
        for (SkipReason s : SkipReason.values()) {
            r.add(s.key());
        }
        return List.copyOf(r);
    }

    static String header() {
        StringBuilder b = new StringBuilder("step,epoch,loss,lr,images_per_second,data_wait_ms");
        for (String r : REASONS) {
            b.append(",skipped_").append(r);
        }
        return b.append(",skipped_other").toString();
    }

    static String row(MetricsRecord r) {
        StringBuilder b = new StringBuilder();
        b.append(r.step()).append(',').append(r.epoch()).append(',').append(r.loss()).append(',').append(r.lr())
                .append(',').append(r.imagesPerSecond()).append(',').append(r.dataWaitMs());
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
}
