package org.seer4j.app.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.seer4j.app.config.ConfigNode.Entry;
import org.seer4j.app.config.ConfigNode.Mapping;
import org.seer4j.app.config.ConfigNode.Sequence;
import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.ModelConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.model.Models;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.RegNetStages;
import org.seer4j.core.regnet.Rounding;

/**
 * Turns a {@link ConfigNode} tree into the core's config records, key by key: absent keys take the records'
 * defaults, and whatever the records reject on construction is reported at the line where the key was written.
 * Which keys exist and how they are named is {@link ConfigKeys}'s business; this class only reads them.
 */
final class ConfigBinder {
    /** A valid trunk whose fields are swapped one at a time for the user's, to find which one RegNetSpec refuses. */
    private static final RegNetSpec PROBE = RegNetSpec.y(16, 48, 27.89, 2.09, 8);
    /** The custom trunk's keys that may be left out; they take the probe's values. */
    private static final List<String> OPTIONAL_TRUNK_KEYS = List.of("bottleneck", "se_ratio", "stem_width");

    private final Mapping root;

    private ConfigBinder(Mapping root) {
        this.root = root;
    }

    static RunConfig bind(ConfigNode document) {
        if (!(document instanceof Mapping m)) {
            throw new InvalidConfigException(document.origin(), null,
                    "expected the sections model, views, swav, optim, train, data, backend, eval, output; got "
                            + document.describe());
        }
        return new ConfigBinder(m).run();
    }

    private RunConfig run() {
        Section top = new Section("", root, fileOnly());
        return record(top, RunConfig.class, RunConfig.defaults(), "");
    }

    /**
     * Binds one section to its record, component by component: each key absent from the file keeps the value it
     * has in {@code defaults}; with no defaults (an item of a list) every key is required.
     *
     * @param listPath for a list item, the schema key its record uses in its own messages ({@code views.crops})
     */
    private <R> R record(Section s, Class<R> type, R defaults, String listPath) {
        if (type == ModelConfig.class) return type.cast(model(s, (ModelConfig) defaults));
        Object[] args = components(s, type, defaults);
        if (listPath.isEmpty()) return construct(() -> ConfigKeys.construct(type, args));
        try {
            return ConfigKeys.construct(type, args);
        } catch (ConfigException e) {
            // A list item's record names its keys views.crops.<field>; the user needs to know which item.
            String field = e.key().substring(e.key().lastIndexOf('.') + 1);
            throw new InvalidConfigException(s.originOf(field), s.key(field), e.reason());
        }
    }

    private Object[] components(Section s, Class<?> type, Object defaults) {
        RecordComponent[] cs = type.getRecordComponents();
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
            // the model's trunk (custom design point or stage lists) is bound by model() according to its arch
            if (cs[i].getType() == RegNetSpec.class || cs[i].getType() == RegNetStages.class) continue;
            args[i] = value(s, cs[i], defaults == null ? null : ConfigKeys.value(cs[i], defaults), defaults == null);
        }
        return args;
    }

    /** Reads one key with the reader its component's type calls for. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object value(Section s, RecordComponent c, Object fallback, boolean required) {
        String key = ConfigKeys.key(c);
        if (required && !s.has(key)) throw s.error(key, "is required");
        Class<?> t = c.getType();
        if (t == int.class) return s.integer(key, fallback == null ? 0 : (Integer) fallback);
        if (t == long.class) return s.integer64(key, fallback == null ? 0 : (Long) fallback);
        if (t == double.class) return s.number(key, fallback == null ? 0 : (Double) fallback);
        if (t == boolean.class) return s.bool(key, fallback != null && (Boolean) fallback);
        if (t == String.class) {
            List<String> choices = ConfigKeys.CHOICES.get(ConfigKeys.schemaPath(s.key(key)));
            return choices == null ? s.string(key, (String) fallback) : s.choice(key, choices, (String) fallback);
        }
        if (t.isEnum()) {
            if (s.string(key, null) == null) return fallback;
            String name = s.choice(key, names((Enum<?>[]) t.getEnumConstants()), null);
            return Enum.valueOf((Class<Enum>) t, name.toUpperCase(Locale.ROOT));
        }
        if (ConfigKeys.isSection(c)) return record(s.section(key), (Class<Object>) t, fallback, "");
        Class<?> item = ConfigKeys.listItem(c);
        if (item == Integer.class) return s.integers(key, (List<Integer>) fallback);
        if (item == Double.class) return s.numbers(key, (List<Double>) fallback);
        if (item == String.class) return s.strings(key, (List<String>) fallback);
        if (item != null && item.isRecord()) {
            return s.sections(key).map(items -> items.stream()
                    .map(i -> record(i, (Class<Object>) item, null, s.key(key))).toList()).orElse((List) fallback);
        }
        throw new IllegalStateException("no config reader for " + c + " of type " + c.getGenericType());
    }

    /** The model section: its plain keys as any section's, then the arch's spelling and the custom trunk. */
    private ModelConfig model(Section s, ModelConfig d) {
        Object[] args = components(s, ModelConfig.class, d);
        int archAt = ConfigKeys.index(ModelConfig.class, "arch");
        String arch = (String) args[archAt];
        if (arch != null) arch = arch.strip().toLowerCase(Locale.ROOT);
        args[archAt] = arch;
        Rounding rounding = (Rounding) args[ConfigKeys.index(ModelConfig.class, "rounding")];
        if (ModelConfig.CUSTOM.equals(arch)) {
            args[ConfigKeys.index(ModelConfig.class, "custom")] = customTrunk(s, rounding == null ? Rounding.PYCLS : rounding);
        } else {
            for (String k : ConfigKeys.CUSTOM_MODEL) {
                if (s.has(k)) throw s.error(k, "applies only when model.arch is custom (it is " + arch + ")");
            }
        }
        if (ModelConfig.STAGES.equals(arch)) {
            args[ConfigKeys.index(ModelConfig.class, "stages")] = stageLists(s);
        } else if (s.hasValue("stages")) {
            throw s.error("stages", "applies only when model.arch is stages (it is " + arch + ")");
        }
        return construct(() -> {
            ModelConfig m = ConfigKeys.construct(ModelConfig.class, args);
            // resolve the preset and build the plan now, so an unknown arch is reported at its line
            Models.trunk(m);
            return m;
        });
    }

    /** {@code model.stages}: explicit stage lists; one group width stands for every stage. */
    private static RegNetStages stageLists(Section model) {
        if (!model.hasValue("stages")) throw model.error("stages", "is required when model.arch is stages");
        Section s = model.section("stages");
        for (String k : List.of("widths", "depths", "group_widths")) {
            if (!s.has(k)) throw s.error(k, "is required when model.arch is stages");
        }
        List<Integer> widths = s.integers("widths", null);
        List<Integer> groups = s.integers("group_widths", null);
        if (groups.size() == 1 && widths.size() > 1) groups = Collections.nCopies(widths.size(), groups.get(0));
        try {
            RegNetStages st = new RegNetStages(s.integer("stem_width", 32), widths, s.integers("depths", null), groups,
                    s.number("bottleneck", 1.0), s.number("se_ratio", 0.25));
            RegNetGenerator.plan(st);
            return st;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(model.originOf("stages"), "model.stages", e.getMessage());
        }
    }

    /**
     * RegNetSpec validates itself with IllegalArgumentException and no key; which key is wrong is found by trying
     * each user value alone on a valid spec, so this class never repeats the spec's rules. The optional keys
     * default to the probe's values (RegNetY's: b = 1, SE 0.25, stem 32).
     */
    private static RegNetSpec customTrunk(Section s, Rounding rounding) {
        List<RecordComponent> keys = ConfigKeys.customTrunk();
        Object[] user = new Object[keys.size() + 1];
        Object[] probe = new Object[keys.size() + 1];
        for (int i = 0; i < keys.size(); i++) {
            RecordComponent c = keys.get(i);
            String key = ConfigKeys.key(c);
            probe[i] = ConfigKeys.value(c, PROBE);
            if (!OPTIONAL_TRUNK_KEYS.contains(key) && !s.has(key)) {
                throw s.error(key, "is required when model.arch is custom");
            }
            // no ?: here: it would widen the int to a double
            if (c.getType() == int.class) user[i] = s.integer(key, (Integer) probe[i]);
            else user[i] = s.number(key, (Double) probe[i]);
        }
        user[keys.size()] = rounding;
        probe[keys.size()] = rounding;
        for (int i = 0; i < keys.size(); i++) {
            Object[] one = probe.clone();
            one[i] = user[i];
            try {
                ConfigKeys.construct(RegNetSpec.class, one);
            } catch (IllegalArgumentException e) {
                throw s.error(ConfigKeys.key(keys.get(i)), withoutSubject(e.getMessage()));
            }
        }
        try {
            return ConfigKeys.construct(RegNetSpec.class, user);
        } catch (IllegalArgumentException e) {
            // Every field passed alone; only a rule across fields can fail here.
            throw new InvalidConfigException(s.originOf("arch"), "model", withoutSubject(e.getMessage()));
        }
    }

    /** "w0 must be a positive multiple of 8, got 12" reads "must be ..." once the key is in front of it. */
    private static String withoutSubject(String message) {
        int must = message.indexOf("must ");
        return must > 0 ? message.substring(must) : message;
    }

    private static List<String> names(Enum<?>[] values) {
        List<String> names = new ArrayList<>();
        for (Enum<?> v : values) names.add(v.name().toLowerCase(Locale.ROOT));
        return names;
    }

    /** Builds a record; its ConfigException names a key, which is looked up in the tree for its line. */
    private <T> T construct(Supplier<T> record) {
        try {
            return record.get();
        } catch (ConfigException e) {
            throw new InvalidConfigException(locate(e.key()), e.key(), e.reason());
        }
    }

    /** The document without a line: where a problem with a value nobody wrote (a default) is reported. */
    private Origin fileOnly() {
        return new Origin(root.origin().source(), 0);
    }

    /** The origin of the deepest written part of a dotted key: the key itself, else its nearest section. */
    private Origin locate(String key) {
        Origin found = fileOnly();
        ConfigNode node = root;
        for (String part : key.split("\\.")) {
            String name = part.replaceAll("\\[\\d+]$", "");
            if (!(node instanceof Mapping m) || m.get(name) == null) break;
            Entry e = m.get(name);
            found = e.keyOrigin();
            node = e.value();
            if (!name.equals(part) && node instanceof Sequence seq) {
                int i = Integer.parseInt(part.substring(name.length() + 1, part.length() - 1));
                if (i >= seq.items().size()) break;
                node = seq.items().get(i);
                found = node.origin();
            }
        }
        return found;
    }
}
