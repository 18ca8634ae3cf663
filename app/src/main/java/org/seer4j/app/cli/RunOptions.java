package org.seer4j.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.seer4j.app.config.ConfigLoader;
import org.seer4j.core.config.RunConfig;
import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code --set key=value} of the commands that run a configuration. */
public final class RunOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration (see docs/configuration.md); defaults when left out.")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one key after the file is read, e.g. --set train.steps=20. Repeatable.")
    List<String> overrides = new ArrayList<>();

    public RunConfig load() {
        return file == null ? ConfigLoader.defaults(overrides) : ConfigLoader.load(file, overrides);
    }

    /** Loads {@code yaml} (e.g. a run folder's config.yaml) with this command's overrides applied on top. */
    RunConfig load(String yaml, String source) {
        return ConfigLoader.fromYaml(yaml, source, overrides);
    }

    boolean hasFile() {
        return file != null;
    }

    /** The file's name without extension, for naming run folders; {@code defaults} without a file. */
    public String name() {
        if (file == null) {
            return "defaults";
        }
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
