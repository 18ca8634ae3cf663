package org.seer4j.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.seer4j.app.config.ConfigLoader;
import org.seer4j.core.config.RunConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What every command that runs from a configuration takes: the YAML file and {@code --set} overrides. */
public final class ConfigOptions {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG",
            description = "YAML configuration file (see docs/configuration.md); defaults when left out.")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one key after the file is read, e.g. --set train.steps=200 "
                    + "--set views.assign_crops=[0,1]. Repeatable; the value is read as YAML.")
    List<String> overrides = new ArrayList<>();

    /** The validated configuration; a mistake throws InvalidConfigException, which the CLI prints and exits 2 on. */
    public RunConfig load() {
        return file == null ? ConfigLoader.defaults(overrides) : ConfigLoader.load(file, overrides);
    }

    /** The file's name without extension, for naming run folders; {@code defaults} without a file. */
    public String name() {
        if (file == null) return "defaults";
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
