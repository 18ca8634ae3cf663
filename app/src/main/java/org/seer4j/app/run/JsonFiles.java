package org.seer4j.app.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.seer4j.data.io.AtomicFiles;
import org.seer4j.data.json.Json;

/**
 * Small JSON objects (strings, numbers, booleans, nested objects, lists and number arrays; non-finite numbers as
 * null), written atomically.
 */
public final class JsonFiles {
    private JsonFiles() {
    }

    public static String toJson(Map<String, ?> fields) {
        StringBuilder b = new StringBuilder("{");
        fields.forEach((k, v) -> {
            if (b.length() > 1) {
                b.append(", ");
            }
            Json.quote(k, b);
            b.append(": ");
            value(v, b);
        });
        return b.append('}').toString();
    }

    private static void value(Object v, StringBuilder b) {
        if (v instanceof double[] array) {
            b.append('[');
            for (int i = 0; i < array.length; i++) {
                if (i > 0) b.append(", ");
                value(array[i], b);
            }
            b.append(']');
        } else if (v instanceof long[] array) {
            value(java.util.Arrays.stream(array).boxed().toList(), b);
        } else if (v instanceof java.util.List<?> list) {
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) b.append(", ");
                value(list.get(i), b);
            }
            b.append(']');
        } else if (v == null || v instanceof Double d && !Double.isFinite(d)) {
            b.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Map<?, ?> inner) {
            @SuppressWarnings("unchecked")
            Map<String, ?> typed = (Map<String, ?>) inner;
            b.append(toJson(typed));
        } else {
            Json.quote(v.toString(), b);
        }
    }

    public static void write(Path file, Map<String, ?> fields) {
        try {
            AtomicFiles.writeString(file, toJson(fields) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
