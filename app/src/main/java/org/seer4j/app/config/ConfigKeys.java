package org.seer4j.app.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.seer4j.core.config.BackendConfig;
import org.seer4j.core.config.DataConfig;
import org.seer4j.core.config.EvalConfig;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.RegNetStages;

/**
 * The config schema, declared once: the core's config records are the keys. Each record component is a key named
 * by one rule (camelCase to snake_case: {@code warmupSteps} is {@code warmup_steps}), a component that is itself a
 * record is a section, and a list of records is a list of sections ({@code views.crops[]}). The binder, the
 * writer, the unknown-key suggestions and the docs test all read this class, so a new key is a new record
 * component (plus its row in docs/configuration.md); only a key whose value is a closed list of words needs a line
 * in {@link #CHOICES}, and a component whose key breaks the naming rule a line in {@link #RENAMED}.
 *
 * <p>One exception to "component = key": {@code ModelConfig.custom} (a {@link RegNetSpec}) is not a section; its
 * fields are written flat in {@code model} ({@link #CUSTOM_MODEL}) and apply only when {@code model.arch} is
 * {@code custom}. The core records stay free of any annotation, as the core depends on the JDK only.
 */
public final class ConfigKeys {
    /** String keys with a closed list of values: read case-insensitively, a near miss answered with "did you mean". */
    static final Map<String, List<String>> CHOICES = Map.of(
            "optim.name", OptimConfig.NAMES,
            "optim.state_dtype", OptimConfig.STATE_DTYPES,
            "data.source", DataConfig.SOURCES,
            "backend.name", BackendConfig.NAMES,
            "backend.device", BackendConfig.DEVICES,
            "eval.protocol", EvalConfig.PROTOCOLS);

    /** Record components whose key is not their snake_case name, as {@code Record.component}. */
    private static final Map<String, String> RENAMED = Map.of(
            "RegNetSpec.bottleneckRatio", "bottleneck",
            "RegNetStages.bottleneckRatio", "bottleneck");

    /** The trunk's design-space keys, used only when {@code model.arch} is {@code custom}. */
    public static final List<String> CUSTOM_MODEL = customTrunk().stream().map(ConfigKeys::key).toList();

    /** The explicit stage lists under {@code model.stages}, used only when {@code model.arch} is {@code stages}. */
    public static final List<String> STAGES_MODEL = Arrays.stream(RegNetStages.class.getRecordComponents())
            .map(ConfigKeys::key).toList();

    /** Section path to its keys; {@code views.crops[]} stands for each item of the crop list. */
    public static final Map<String, List<String>> SECTIONS = sections();

    private ConfigKeys() {
    }

    /** The key of a record component: its name in snake_case unless {@link #RENAMED} says otherwise. */
    static String key(RecordComponent c) {
        String renamed = RENAMED.get(c.getDeclaringRecord().getSimpleName() + "." + c.getName());
        return renamed != null ? renamed : c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    /** The components of {@link RegNetSpec} that are keys of a custom trunk (its rounding is model.rounding). */
    static List<RecordComponent> customTrunk() {
        return Arrays.stream(RegNetSpec.class.getRecordComponents()).filter(c -> !c.getName().equals("rounding")).toList();
    }

    /** True for a component whose value is a nested section (a record other than the flattened trunk). */
    static boolean isSection(RecordComponent c) {
        return c.getType().isRecord() && c.getType() != RegNetSpec.class;
    }

    /** The record type of the items of a {@code List<SomeRecord>} component, or null for any other component. */
    static Class<?> itemRecord(RecordComponent c) {
        Class<?> item = listItem(c);
        return item != null && item.isRecord() ? item : null;
    }

    /** The element type of a {@code List<X>} component, or null when the component is not a list. */
    static Class<?> listItem(RecordComponent c) {
        if (c.getType() != List.class) return null;
        return (Class<?>) ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
    }

    /** The value of component {@code c} of {@code record}. */
    static Object value(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c, e);
        }
    }

    /** The position of the component named {@code name} in {@code type}'s canonical constructor. */
    static int index(Class<?> type, String name) {
        RecordComponent[] cs = type.getRecordComponents();
        for (int i = 0; i < cs.length; i++) if (cs[i].getName().equals(name)) return i;
        throw new IllegalStateException(type.getSimpleName() + " has no component " + name);
    }

    /** Calls the canonical constructor; what it throws (ConfigException, IllegalArgumentException) passes through. */
    static <R> R construct(Class<R> type, Object[] args) {
        Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class[]::new);
        try {
            return type.getDeclaredConstructor(types).newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getSimpleName(), e);
        }
    }

    private static Map<String, List<String>> sections() {
        Map<String, List<String>> s = new LinkedHashMap<>();
        walk("", RunConfig.class, s);
        return Collections.unmodifiableMap(s);
    }

    private static void walk(String path, Class<?> type, Map<String, List<String>> out) {
        List<String> keys = new ArrayList<>();
        boolean trunk = false;
        out.put(path, keys);
        for (RecordComponent c : type.getRecordComponents()) {
            String child = path.isEmpty() ? key(c) : path + "." + key(c);
            if (c.getType() == RegNetSpec.class) {
                trunk = true;
                continue;
            }
            keys.add(key(c));
            if (isSection(c)) walk(child, c.getType(), out);
            else if (itemRecord(c) != null) walk(child + "[]", itemRecord(c), out);
        }
        if (trunk) keys.addAll(CUSTOM_MODEL);
        out.put(path, List.copyOf(keys));
    }

    /** Every leaf key as a dotted path ({@code swav.epsilon}, {@code views.crops[].size}), sections excluded. */
    public static List<String> all() {
        List<String> keys = new ArrayList<>();
        SECTIONS.forEach((section, names) -> {
            for (String n : names) {
                String key = section.isEmpty() ? n : section + "." + n;
                boolean isSection = SECTIONS.containsKey(key) || SECTIONS.containsKey(key + "[]");
                if (!isSection) keys.add(key);
            }
        });
        return keys;
    }

    /** The schema name of a concrete section path: list indices become {@code []}. */
    static String schemaPath(String path) {
        return path.replaceAll("\\[\\d+]", "[]");
    }
}
