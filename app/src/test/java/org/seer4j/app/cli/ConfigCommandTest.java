package org.seer4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.Cli;
import org.seer4j.app.Main;
import org.seer4j.app.config.ConfigLoader;
import org.seer4j.core.config.RunConfig;
import picocli.CommandLine;

class ConfigCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Cli.commandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void theEffectiveConfigIsPrintedAndLoadsBackWithTheOverridesApplied(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, "swav:\n  epsilon: 0.05\n");
        assertThat(run("config", file.toString(), "--set", "swav.epsilon=0.03", "--set", "train.steps=200")).isZero();

        RunConfig printed = ConfigLoader.fromYaml(out.toString(), "printed.yaml", List.of());
        assertThat(printed.swav().epsilon()).isEqualTo(0.03);
        assertThat(printed.train().steps()).isEqualTo(200);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aBadValueExitsWithTwoAndOneLineNamingKeyAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, "train:\n  steps: 10\nswav:\n  epsilon: -1\n");
        assertThat(run("config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("seer4j: " + file + ":4: swav.epsilon: must be > 0, got -1.0" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aBadOverrideExitsWithTwoAndNamesTheOverride() {
        assertThat(run("config", "--set", "swav.epsilom=0.1")).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("seer4j: --set swav.epsilom=0.1: swav.epsilom: unknown key; did you mean swav.epsilon?");
    }

    @Test
    void aMissingFileExitsWithTwoAndNoStackTrace(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        assertThat(run("config", missing.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("seer4j: " + missing + ": no such file");
    }

    @Test
    void withoutAFileTheDefaultsArePrinted() {
        assertThat(run("config")).isZero();
        assertThat(ConfigLoader.fromYaml(out.toString(), "printed.yaml", List.of())).isEqualTo(RunConfig.defaults());
    }

    @Test
    void theConfigNameIsTheFileNameWithoutItsExtension() {
        ConfigOptions options = new ConfigOptions();
        assertThat(options.name()).isEqualTo("defaults");
        options.file = Path.of("configs", "swav-imagenet.yaml");
        assertThat(options.name()).isEqualTo("swav-imagenet");
    }
}
