package org.seer4j.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.Main;
import org.seer4j.app.run.MetricsLog;
import org.seer4j.app.wiring.Checkpoints;
import org.seer4j.core.port.MetricsRecord;

/**
 * Ctrl-C for real: a {@code pretrain} process gets SIGINT after its first step; it must write a checkpoint before
 * it exits, and rerunning the command (here with a shorter run length, to keep the test short) must resume from
 * there and finish.
 */
class StopSignalTest {

    @Test
    void aSignalledRunCheckpointsBeforeExitingAndARerunResumesIt(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, PretrainEndToEndTest.TINY);
        Path run = dir.resolve("run");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "pretrain", "--config", config.toString(), "--set", "train.steps=400", "--out", run.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean signalled = false;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (!signalled && line.startsWith("step 1/400")) {
                    // What Ctrl-C sends. (Process.destroy would send SIGTERM but also close our end of the pipe.)
                    assertThat(new ProcessBuilder("kill", stopSignal(), Long.toString(p.pid())).start()
                            .waitFor()).isZero();
                    signalled = true;
                }
            }
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = String.join("\n", lines);
        assertThat(output).contains("stopped at step");
        long stoppedAt = new Checkpoints().read(run).step();
        assertThat(stoppedAt).as(output).isBetween(1L, 399L);
        assertThat(MetricsLog.read(run.resolve("metrics.jsonl"))).extracting(MetricsRecord::step)
                .endsWith(stoppedAt);
        assertThat(run.resolve("report.html")).exists();

        int rc = Main.run("pretrain", "--config", config.toString(), "--set", "train.steps=" + (stoppedAt + 2), "--out", run.toString());
        assertThat(rc).isZero();
        assertThat(new Checkpoints().read(run).step()).isEqualTo(stoppedAt + 2);
    }

    /**
     * SIGINT, as Ctrl-C; SIGTERM (what schedulers send, handled the same way) when this JVM was started with SIGINT
     * ignored, as a shell does for background jobs: the child inherits that, and the JVM then never sees the signal.
     */
    private static String stopSignal() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("SigIgn:") && (Long.parseLong(line.substring(7).trim(), 16) & 0x2L) != 0) {
                    return "-TERM";
                }
            }
        }
        return "-INT";
    }
}
