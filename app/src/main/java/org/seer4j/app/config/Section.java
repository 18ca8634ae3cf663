package org.seer4j.app.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.seer4j.app.config.ConfigNode.Entry;
import org.seer4j.app.config.ConfigNode.Kind;
import org.seer4j.app.config.ConfigNode.Mapping;
import org.seer4j.app.config.ConfigNode.Scalar;
import org.seer4j.app.config.ConfigNode.Sequence;

/**
 * One mapping of a config being bound ({@code swav}, {@code views.crops[1]}, ...): typed reads with defaults,
 * each failure naming the full key and where it was written. A missing section reads as an empty one, so every
 * key falls back to its default.
 */
final class Section {
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9][0-9_]*");
    private static final Pattern DECIMAL = Pattern.compile(
            "[-+]?([0-9][0-9_]*(\\.[0-9_]*)?|\\.[0-9][0-9_]*)([eE][-+]?[0-9]+)?");

    private final String path;
    private final Mapping node;
    private final Origin origin;
    private final List<String> known;

    /**
     * @param path   the dotted path of this section, "" for the top level
     * @param node   its mapping (an empty one when the user left the section out)
     * @param origin where the section's key was written, for errors about keys it lacks
     */
    Section(String path, Mapping node, Origin origin) {
        this.path = path;
        this.node = node;
        this.origin = origin;
        this.known = ConfigKeys.SECTIONS.get(ConfigKeys.schemaPath(path));
        if (known == null) throw new IllegalStateException("no schema for config section " + path);
        rejectUnknownKeys();
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    boolean has(String name) {
        return node.get(name) != null;
    }

    /** Written with a value other than null. */
    boolean hasValue(String name) {
        Entry e = node.get(name);
        return e != null && !isNull(e.value());
    }

    /** Where {@code name} was written, or where this section was when the key is absent. */
    Origin originOf(String name) {
        Entry e = node.get(name);
        return e != null ? e.keyOrigin() : origin;
    }

    InvalidConfigException error(String name, String reason) {
        return new InvalidConfigException(originOf(name), key(name), reason);
    }

    Section section(String name) {
        Entry e = entry(name);
        if (e == null || isNull(e.value())) return new Section(key(name), new Mapping(originOf(name)), originOf(name));
        if (e.value() instanceof Mapping m) return new Section(key(name), m, e.keyOrigin());
        throw error(name, "expected a mapping of keys, got " + e.value().describe());
    }

    /** The items of a list of mappings, or empty when the key is absent (the caller keeps its default). */
    Optional<List<Section>> sections(String name) {
        Entry e = entry(name);
        if (e == null) return Optional.empty();
        List<Section> items = new ArrayList<>();
        List<ConfigNode> nodes = sequence(name, e).items();
        for (int i = 0; i < nodes.size(); i++) {
            ConfigNode item = nodes.get(i);
            String itemPath = key(name) + "[" + i + "]";
            if (!(item instanceof Mapping m)) {
                throw new InvalidConfigException(item.origin(), itemPath, "expected a mapping, got " + item.describe());
            }
            items.add(new Section(itemPath, m, item.origin()));
        }
        return Optional.of(items);
    }

    int integer(String name, int fallback) {
        return scalar(name).map(s -> toInt(key(name), s)).orElse(fallback);
    }

    int requiredInteger(String name) {
        return scalar(name).map(s -> toInt(key(name), s)).orElseThrow(() -> error(name, "is required"));
    }

    long integer64(String name, long fallback) {
        return scalar(name).map(s -> toLong(key(name), s)).orElse(fallback);
    }

    double number(String name, double fallback) {
        return scalar(name).map(s -> toDouble(key(name), s)).orElse(fallback);
    }

    double requiredNumber(String name) {
        return scalar(name).map(s -> toDouble(key(name), s)).orElseThrow(() -> error(name, "is required"));
    }

    boolean bool(String name, boolean fallback) {
        return scalar(name).map(s -> toBoolean(key(name), s)).orElse(fallback);
    }

    /** Any scalar as text; an explicit null stays null (optional paths). */
    String string(String name, String fallback) {
        return scalar(name).map(s -> s.isNull() ? null : s.text()).orElse(fallback);
    }

    /** A string from a closed list; a near miss is answered with the nearest allowed word. */
    String choice(String name, List<String> allowed, String fallback) {
        Optional<Scalar> s = scalar(name);
        if (s.isEmpty()) return fallback;
        String v = s.get().isNull() ? null : s.get().text().toLowerCase(Locale.ROOT);
        if (allowed.contains(v)) return v;
        String hint = v == null ? "" : Suggestions.nearest(v, allowed).map(n -> "; did you mean " + n + "?").orElse("");
        throw new InvalidConfigException(s.get().origin(), key(name), "must be one of " + String.join(", ", allowed)
                + ", got " + s.get().describe() + hint);
    }

    List<Integer> integers(String name, List<Integer> fallback) {
        return list(name, fallback, (k, s) -> toInt(k, s));
    }

    List<Double> numbers(String name, List<Double> fallback) {
        return list(name, fallback, (k, s) -> toDouble(k, s));
    }

    List<String> strings(String name, List<String> fallback) {
        return list(name, fallback, (k, s) -> s.isNull() ? null : s.text());
    }

    private interface Conversion<T> {
        T apply(String key, Scalar s);
    }

    private <T> List<T> list(String name, List<T> fallback, Conversion<T> conversion) {
        Entry e = entry(name);
        if (e == null) return fallback;
        List<T> out = new ArrayList<>();
        List<ConfigNode> items = sequence(name, e).items();
        for (int i = 0; i < items.size(); i++) {
            String itemKey = key(name) + "[" + i + "]";
            if (!(items.get(i) instanceof Scalar s)) {
                throw new InvalidConfigException(items.get(i).origin(), itemKey,
                        "expected a single value, got " + items.get(i).describe());
            }
            out.add(conversion.apply(itemKey, s));
        }
        return out;
    }

    private Sequence sequence(String name, Entry e) {
        if (e.value() instanceof Sequence seq) return seq;
        throw new InvalidConfigException(e.keyOrigin(), key(name),
                "expected a list (e.g. [1, 2] or one '- item' per line), got " + e.value().describe());
    }

    private Optional<Scalar> scalar(String name) {
        Entry e = entry(name);
        if (e == null) return Optional.empty();
        if (e.value() instanceof Scalar s) return Optional.of(s);
        throw new InvalidConfigException(e.keyOrigin(), key(name), "expected a single value, got " + e.value().describe());
    }

    private Entry entry(String name) {
        if (!known.contains(name)) throw new IllegalStateException(key(name) + " is read but not in ConfigKeys");
        return node.get(name);
    }

    private static boolean isNull(ConfigNode n) {
        return n instanceof Scalar s && s.isNull();
    }

    private void rejectUnknownKeys() {
        for (Entry e : node.entries().values()) {
            if (known.contains(e.key())) continue;
            String hint = Suggestions.nearest(e.key(), known).map(this::key)
                    .or(() -> inOtherSection(e.key()))
                    .map(k -> "; did you mean " + k + "?")
                    .orElse("; known keys" + (path.isEmpty() ? "" : " of " + path) + ": " + String.join(", ", known));
            throw new InvalidConfigException(e.keyOrigin(), key(e.key()), "unknown key" + hint);
        }
    }

    /** A key put in the wrong section ({@code train.epsilon}) is found by its exact name elsewhere. */
    private static Optional<String> inOtherSection(String name) {
        return ConfigKeys.SECTIONS.entrySet().stream()
                .filter(s -> s.getValue().contains(name))
                .map(s -> s.getKey().isEmpty() ? name : s.getKey() + "." + name)
                .findFirst();
    }

    // --- scalar conversions: the text as written is checked here, so '1e-5' and '122_000' read as numbers ---

    private static int toInt(String key, Scalar s) {
        long v = toLong(key, s);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new InvalidConfigException(s.origin(), key, "is out of range for an integer: " + s.text());
        }
        return (int) v;
    }

    private static long toLong(String key, Scalar s) {
        String t = s.isNull() ? "" : s.text().strip();
        if (!INTEGER.matcher(t).matches()) {
            throw new InvalidConfigException(s.origin(), key, "expected an integer, got " + s.describe());
        }
        try {
            return Long.parseLong(t.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(s.origin(), key, "is out of range for an integer: " + s.text());
        }
    }

    private static double toDouble(String key, Scalar s) {
        String t = s.isNull() ? "" : s.text().strip();
        if (!DECIMAL.matcher(t).matches()) {
            throw new InvalidConfigException(s.origin(), key, "expected a number, got " + s.describe());
        }
        return Double.parseDouble(t.replace("_", ""));
    }

    private static boolean toBoolean(String key, Scalar s) {
        if (s.kind() == Kind.TRUE) return true;
        if (s.kind() == Kind.FALSE) return false;
        String t = s.isNull() ? "" : s.text().strip();
        if ("true".equalsIgnoreCase(t)) return true;
        if ("false".equalsIgnoreCase(t)) return false;
        throw new InvalidConfigException(s.origin(), key, "expected true or false, got " + s.describe());
    }
}
