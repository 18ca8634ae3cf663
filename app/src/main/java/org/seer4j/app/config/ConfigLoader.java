package org.seer4j.app.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.seer4j.app.config.ConfigNode.Mapping;
import org.seer4j.core.config.RunConfig;

/**
 * Reads a run's configuration: one YAML document, then {@code --set key=value} overrides, then the core's
 * records with their defaults for everything left out. Anything wrong becomes an {@link InvalidConfigException}
 * whose message names the key and the file line (or the override) — never a stack trace.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** The file as the user named it (messages quote that path), with overrides applied in order. */
    public static RunConfig load(Path file, List<String> overrides) {
        return fromYaml(read(file), file.toString(), overrides);
    }

    public static RunConfig load(Path file) {
        return load(file, List.of());
    }

    /** Defaults plus overrides, for commands run without a config file. */
    public static RunConfig defaults(List<String> overrides) {
        return fromYaml("", Origin.DEFAULTS.source(), overrides);
    }

    /**
     * @param source how messages name the text (a file name)
     */
    public static RunConfig fromYaml(String yaml, String source, List<String> overrides) {
        ConfigNode document = YamlTree.parse(yaml, source);
        if (document instanceof Mapping root) Overrides.apply(root, overrides);
        return ConfigBinder.bind(document);
    }

    private static String read(Path file) {
        Origin at = new Origin(file.toString(), 0);
        if (Files.isDirectory(file)) throw new InvalidConfigException(at, null, "is a directory, not a YAML file");
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (NoSuchFileException e) {
            throw new InvalidConfigException(at, null, "no such file" + nearbyFiles(file));
        } catch (CharacterCodingException e) {
            throw new InvalidConfigException(at, null, "is not UTF-8 text");
        } catch (IOException e) {
            throw new InvalidConfigException(at, null, "cannot be read: " + e.getMessage());
        }
    }

    /** A misspelt file name is answered with the YAML file beside it that it most resembles. */
    private static String nearbyFiles(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) return "";
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
                    .forEach(names::add);
        } catch (IOException e) {
            return "";
        }
        String name = file.getFileName().toString();
        return Suggestions.nearest(name, names)
                .map(n -> "; did you mean " + (file.getParent() == null ? n : file.getParent().resolve(n)) + "?")
                .orElse("");
    }
}
