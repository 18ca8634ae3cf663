package org.seer4j.app.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where every key and value was written, so that a wrong value can be
 * reported with its file and line long after parsing. Only the three shapes a config needs exist.
 */
sealed interface ConfigNode permits ConfigNode.Scalar, ConfigNode.Mapping, ConfigNode.Sequence {

    Origin origin();

    /** How the node reads in an error message ("got ..."). */
    String describe();

    /** The kind of scalar YAML resolved; the text is kept as written and converted by the binder. */
    enum Kind { STRING, INTEGER, FLOAT, TRUE, FALSE, NULL }

    record Scalar(String text, Kind kind, Origin origin) implements ConfigNode {
        public boolean isNull() {
            return kind == Kind.NULL;
        }

        @Override
        public String describe() {
            return isNull() ? "nothing (null)" : "'" + text + "'";
        }
    }

    /** A key of a mapping: where the key itself was written, and its value. */
    record Entry(String key, Origin keyOrigin, ConfigNode value) {
    }

    /** Keys in the order they were written; mutable so that overrides can be applied in place. */
    record Mapping(Map<String, Entry> entries, Origin origin) implements ConfigNode {
        public Mapping(Origin origin) {
            this(new LinkedHashMap<>(), origin);
        }

        public Entry get(String key) {
            return entries.get(key);
        }

        public void put(Entry entry) {
            entries.put(entry.key(), entry);
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Sequence(List<ConfigNode> items, Origin origin) implements ConfigNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }
}
