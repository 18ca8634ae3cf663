package org.seer4j.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.Main;

/**
 * A short {@code seer4j quickstart} in its own JVM, its standard output and error captured as a user's terminal
 * shows them (native libraries write there directly): only seer4j's own lines, none of java.util.logging's
 * two-line records, DJL's start-up records or TensorFlow's native logging. It is also the shipped quickstart
 * config run for real with {@code --set train.steps=2} alone (its schedules are longer: they get scaled).
 */
class QuickstartConsoleTest {
    /** seer4j's record format; the name of a seer4j logger is a simple class name, anyone else's is dotted. */
    private static final Pattern OWN_RECORD = Pattern.compile("\\d\\d:\\d\\d:\\d\\d (DEBUG|INFO|WARN|ERROR) \\w+: .*");
    private static final List<Pattern> FOREIGN = List.of(
            // our format with a dotted (engine) logger name
            Pattern.compile("\\d\\d:\\d\\d:\\d\\d \\w+ \\w+(\\.\\w+)+: .*"),
            // java.util.logging's SimpleFormatter: "Nov 30, 2026 10:51:35 PM ai.djl.util.Platform detectPlatform"
            Pattern.compile("[A-Z][a-z]{2} \\d{1,2}, \\d{4} \\d{1,2}:\\d\\d:\\d\\d [AP]M .*"),
            Pattern.compile("(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST): .*"),
            // TensorFlow / absl native logging: "I0000 00:00:1764 ...", "2026-12-01 04:12:00.123: I tensorflow/..."
            Pattern.compile("[IWEF]\\d{4} \\d\\d:\\d\\d:\\d\\d.*"),
            Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: [IWEF] .*"),
            Pattern.compile(".*(tensorflow/|\\.cc:\\d|ai\\.djl|SLF4J|logback).*"),
            // stack traces
            Pattern.compile("\\s+at .*"),
            Pattern.compile(".*(Exception|Error): .*"));

    @Test
    void aShortQuickstartShowsOnlySeer4jsOwnLines(@TempDir Path dir) throws Exception {
        Path config = Path.of("").toAbsolutePath().getParent().resolve("configs").resolve("quickstart.yaml");
        Path run = dir.resolve("run");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "quickstart", "--config", config.toString(), "--set", "train.steps=2",
                "--set", "eval.linear_epochs=3", "--out", run.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("console.txt").toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String console = Files.readString(dir.resolve("console.txt"), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(console).isZero();
        assertThat(console).contains("train.steps=2 is a short try of a 496-step run: schedules scaled by 2/496: "
                        + "optim.warmup_steps 10 -> 0, swav.freeze_prototypes_iters 62 -> 0")
                .contains("pretraining for 2 steps on").contains("finished after 2 steps")
                .contains("linear probe:").contains("accuracy written to");
        for (String line : console.lines().filter(l -> !l.isBlank()).toList()) {
            for (Pattern foreign : FOREIGN) {
                assertThat(foreign.matcher(line).matches()).as("not seer4j's own line: %s%n%s", line, console)
                        .isFalse();
            }
        }
        assertThat(console.lines().filter(l -> OWN_RECORD.matcher(l).matches())).isNotEmpty();
        // what the console leaves out is in the run's log
        assertThat(Files.readString(run.resolve("log.txt"))).contains(" INFO ai.djl.pytorch.engine.PtEngine: ");
    }
}
