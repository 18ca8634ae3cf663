package org.seer4j.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.seer4j.core.config.ModelConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.RegNetStages;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.data.io.AtomicFiles;

/**
 * Writes the effective configuration of a run as YAML that {@link ConfigLoader} reads back to an equal
 * {@link RunConfig}: every key of {@link ConfigKeys} spelled out (defaults included), so a run folder documents
 * itself. The tree is built from the records and written by Jackson's YAML generator, which quotes whatever
 * YAML would otherwise misread ({@code "yes"}, {@code "0.5"}, {@code "a: b"}).
 */
public final class ConfigWriter {
    private static final String HEADER = "# Effective seer4j configuration: every key, defaults included.\n";
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConfigWriter() {
    }

    public static String toYaml(RunConfig c) {
        try {
            return HEADER + YAML.writeValueAsString(tree(c));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the configuration as YAML", e);
        }
    }

    /** Writes through a temporary file and a rename (with fsync), so readers never see half a config. */
    public static void write(RunConfig config, Path file) throws IOException {
        AtomicFiles.writeString(file, toYaml(config));
    }

    /** A record as a mapping of its keys, in component order; the model's custom trunk comes flat at its end. */
    private static ObjectNode tree(Record r) {
        ObjectNode node = NODES.objectNode();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            if (c.getType() == RegNetSpec.class) continue;
            if (c.getType() == RegNetStages.class && ConfigKeys.value(c, r) == null) continue; // only for arch: stages
            node.set(ConfigKeys.key(c), node(ConfigKeys.value(c, r)));
        }
        if (r instanceof ModelConfig m) {
            node.put("rounding", rounding(m));
            RegNetSpec t = m.custom();
            if (t != null) for (RecordComponent c : ConfigKeys.customTrunk()) node.set(ConfigKeys.key(c), node(ConfigKeys.value(c, t)));
        }
        return node;
    }

    private static JsonNode node(Object v) {
        if (v == null) return NODES.nullNode();
        if (v instanceof Record r) return tree(r);
        if (v instanceof Enum<?> e) return NODES.textNode(e.name().toLowerCase(Locale.ROOT));
        if (v instanceof List<?> list) {
            ArrayNode a = NODES.arrayNode();
            for (Object o : list) a.add(node(o));
            return a;
        }
        return YAML.valueToTree(v);
    }

    /**
     * null keeps the preset's own convention; a custom trunk carries its convention in its spec, so that one is
     * written when it differs from what the loader assumes (pycls) for a custom trunk without the key.
     */
    private static String rounding(ModelConfig m) {
        Rounding r = m.rounding();
        if (r == null && m.custom() != null && m.custom().rounding() != Rounding.PYCLS) r = m.custom().rounding();
        return r == null ? null : r.name().toLowerCase(Locale.ROOT);
    }
}
