package org.seer4j.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.seer4j.app.config.ConfigLoader;
import org.seer4j.app.run.ShortRun;
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
        return load(overrides);
    }

    private RunConfig load(List<String> assignments) {
        return file == null ? ConfigLoader.defaults(assignments) : ConfigLoader.load(file, assignments);
    }

    /**
     * The configuration of a training run: {@link #load()}, with the schedules fitted into a short
     * {@code --set train.steps=N} ({@link ShortRun}), checked for a length that contradicts them.
     *
     * @param imagesPerEpoch the size of a configuration's data (asked only for runs counted in epochs)
     */
    public RunConfig loadForTraining(ToLongFunction<RunConfig> imagesPerEpoch) {
        RunConfig config = load();
        Set<String> explicit = explicitKeys();
        if (explicit.contains("train.steps")) {
            RunConfig configured = load(overrides.stream().filter(a -> !key(a).equals("train.steps")).toList());
            List<String> fitted = ShortRun.fit(config, configured, explicit,
                    () -> imagesPerEpoch.applyAsLong(configured));
            if (!fitted.isEmpty()) {
                List<String> all = new ArrayList<>(overrides);
                all.addAll(fitted);
                config = load(all);
            }
        }
        ShortRun.check(config);
        return config;
    }

    /** The keys given with {@code --set}. */
    Set<String> explicitKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (String a : overrides) keys.add(key(a));
        return keys;
    }

    private static String key(String assignment) {
        int eq = assignment.indexOf('=');
        return (eq < 0 ? assignment : assignment.substring(0, eq)).strip();
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
