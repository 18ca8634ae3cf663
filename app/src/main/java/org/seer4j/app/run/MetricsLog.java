package org.seer4j.app.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.data.json.Json;

/**
 * Reads a run's {@code metrics.jsonl} back for the report. A resumed run may have logged a step twice (after the
 * last checkpoint, before the interruption): the later record wins. A line cut short by a crash is ignored.
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
            Object parsed;
            try {
                parsed = Json.parse(line);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (parsed instanceof Map<?, ?> m && m.get("step") instanceof Number step) {
                byStep.put(step.longValue(), new MetricsRecord(step.longValue(), number(m, "epoch"),
                        real(m, "loss"), real(m, "lr"), real(m, "images_per_second"), skipped(m.get("skipped")),
                        real(m, "data_wait_ms")));
            }
        }
        return new ArrayList<>(byStep.values());
    }

    private static long number(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : 0;
    }

    private static double real(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static Map<String, Long> skipped(Object o) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (v instanceof Number n) {
                    out.put(String.valueOf(k), n.longValue());
                }
            });
        }
        return out;
    }
}
