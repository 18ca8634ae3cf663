package org.seer4j.app.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.seer4j.app.config.ConfigNode.Entry;
import org.seer4j.app.config.ConfigNode.Kind;
import org.seer4j.app.config.ConfigNode.Mapping;
import org.seer4j.app.config.ConfigNode.Scalar;
import org.seer4j.app.config.ConfigNode.Sequence;

/**
 * {@code --set key=value} on top of a config file. The key is a dotted path ({@code swav.epsilon},
 * {@code views.crops[1].size}); the value is read as YAML, so {@code 200}, {@code 0.03}, {@code true},
 * {@code [0, 1]} and {@code {count: 2, size: 96, min_scale: 0.05, max_scale: 0.14}} all mean what they say.
 * Every node an override writes carries the override as its origin, so errors name it instead of a line.
 */
final class Overrides {
    private static final Pattern PART = Pattern.compile("([A-Za-z0-9_]+)(?:\\[(\\d+)])?");

    private Overrides() {
    }

    static void apply(Mapping root, List<String> assignments) {
        for (String a : assignments) apply(root, a);
    }

    static void apply(Mapping root, String assignment) {
        Origin origin = Origin.override(assignment);
        int eq = assignment.indexOf('=');
        if (eq < 0) {
            throw new InvalidConfigException(origin, null, "expected key=value, e.g. --set train.steps=200");
        }
        String key = assignment.substring(0, eq).strip();
        String text = assignment.substring(eq + 1);
        List<Matcher> parts = new ArrayList<>();
        for (String p : key.split("\\.", -1)) {
            Matcher m = PART.matcher(p);
            if (!m.matches()) {
                throw new InvalidConfigException(origin, key.isEmpty() ? null : key,
                        "is not a key path like swav.epsilon or views.crops[1].size");
            }
            parts.add(m);
        }
        ConfigNode value = text.isBlank() ? new Scalar("", Kind.NULL, origin) : YamlTree.parse(text, key, origin);

        Mapping at = root;
        String path = "";
        for (int i = 0; i < parts.size(); i++) {
            String name = parts.get(i).group(1);
            String index = parts.get(i).group(2);
            path = path.isEmpty() ? name : path + "." + name;
            boolean last = i == parts.size() - 1;
            Entry e = at.get(name);
            if (index == null) {
                if (last) {
                    at.put(new Entry(name, origin, value));
                } else {
                    at = childMapping(at, e, name, path, origin);
                }
                continue;
            }
            if (e == null) {
                throw new InvalidConfigException(origin, path, "is not written in the file, so it has no item ["
                        + index + "] to change; set the whole list instead");
            }
            if (!(e.value() instanceof Sequence seq)) {
                throw new InvalidConfigException(origin, path, "is " + e.value().describe() + ", not a list");
            }
            int n = Integer.parseInt(index);
            if (n >= seq.items().size()) {
                throw new InvalidConfigException(origin, path, "has " + seq.items().size() + " items, so no [" + n + "]");
            }
            path = path + "[" + n + "]";
            if (last) {
                List<ConfigNode> items = new ArrayList<>(seq.items());
                items.set(n, value);
                at.put(new Entry(name, e.keyOrigin(), new Sequence(items, seq.origin())));
            } else if (seq.items().get(n) instanceof Mapping item) {
                at = item;
            } else {
                throw new InvalidConfigException(origin, path, "is a single value, not a section");
            }
        }
    }

    /** The mapping under {@code name}, created when absent or empty so that an override can add a section. */
    private static Mapping childMapping(Mapping parent, Entry e, String name, String path, Origin origin) {
        if (e != null && e.value() instanceof Mapping m) return m;
        if (e == null || (e.value() instanceof Scalar s && s.isNull())) {
            Mapping created = new Mapping(origin);
            parent.put(new Entry(name, e == null ? origin : e.keyOrigin(), created));
            return created;
        }
        throw new InvalidConfigException(origin, path, "is " + e.value().describe() + ", not a section");
    }
}
