package org.seer4j.app.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.data.json.Json;

/**
 * Reads a run's {@code metrics.jsonl} back into {@link MetricsRecord}s through Jackson: the records a resumed run
 * logged before this invocation, and those of a run folder whose report is redrawn later (after {@code eval}).
 * A resumed run may have logged a step twice (after the last checkpoint, before the interruption): the later
 * record wins. A line cut short by a crash is ignored.
 */
public final class MetricsLog {
    private MetricsLog() {
    }

    public static List<MetricsRecord> read(Path jsonl) throws IOException {
        if (!Files.exists(jsonl)) {
            return List.of();
        }
        TreeMap<Long, MetricsRecord> byStep = new TreeMap<>();
        for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                MetricsRecord r = Json.read(line, MetricsRecord.class);
                byStep.put(r.step(), r);
            } catch (IllegalArgumentException | NullPointerException cutShort) {
                // the last line of a crashed run, or one without its skipped counts
            }
        }
        return new ArrayList<>(byStep.values());
    }
}
