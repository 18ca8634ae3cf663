package org.seer4j.app.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.seer4j.app.report.EvalResult;
import org.seer4j.app.report.NeighbourGrid;
import org.seer4j.app.report.ReportData;
import org.seer4j.app.report.RunReport;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.data.json.Json;

/**
 * A run folder's report: drawn by {@code pretrain} from the records in memory, and drawn again by {@code eval}
 * with its results. What only pretraining knows is kept in {@code report-data.json}; everything goes through
 * Jackson into the same records that were written.
 */
public final class RunReports {
    public static final String DATA = "report-data.json";
    public static final String EVAL = "eval.json";
    public static final String EVAL_RANDOM_INIT = "eval-random-init.json";
    public static final String NEIGHBOURS = "neighbours.json";

    private RunReports() {
    }

    /** Keeps {@code data} in the folder and draws the report with {@code records} and any evaluation already there. */
    public static void write(Path dir, ReportData data, List<MetricsRecord> records) throws IOException {
        JsonFiles.write(dir.resolve(DATA), data);
        draw(dir, data, records);
    }

    /** Draws the report again (after {@code eval}); false when the folder holds no report data. */
    public static boolean redraw(Path dir) throws IOException {
        ReportData data = read(dir.resolve(DATA), ReportData.class);
        if (data == null) return false;
        draw(dir, data, MetricsLog.read(dir.resolve(RunFolder.METRICS)));
        return true;
    }

    private static void draw(Path dir, ReportData data, List<MetricsRecord> records) throws IOException {
        new RunReport(data, records, read(dir.resolve(EVAL), EvalResult.class),
                read(dir.resolve(EVAL_RANDOM_INIT), EvalResult.class), read(dir.resolve(NEIGHBOURS), NeighbourGrid.class))
                .write(dir.resolve(RunFolder.REPORT));
    }

    /** A file written by {@link JsonFiles}, or null when absent or unreadable (an older run, another format). */
    private static <T> T read(Path file, Class<T> type) throws IOException {
        if (!Files.isRegularFile(file)) return null;
        try {
            return Json.read(Files.readString(file, StandardCharsets.UTF_8), type);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
