package org.seer4j.app.cli;

import java.util.concurrent.Callable;
import org.seer4j.app.config.ConfigWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code seer4j config}: check a configuration and print it with every default filled in. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Validate a configuration (file plus --set overrides) and print the effective YAML.")
public final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(ConfigWriter.toYaml(config.load()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
