package org.seer4j.app.failures;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Module;
import java.awt.image.BufferedImage;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.Main;
import org.seer4j.app.TinyConfig;
import org.seer4j.app.engine.Engines;
import org.seer4j.app.testing.MainRun;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.port.SwavObjective;

/**
 * Each failure a user met as a stack trace now ends, through {@link Main#run}, with one line and its exit code
 * (2: the data or a setting, 1: the run); the stack trace is kept in the run folder's {@code log.txt}.
 */
class CleanFailuresTest {
    static final String TINY = TinyConfig.COMMON + """
            swav: {prototypes: 10, freeze_prototypes_iters: 2, sinkhorn_iterations: 3}
            train: {batch_size: 8, epochs: 0, steps: 2, seed: 3, log_every: 1, checkpoint_every: 0, keep_checkpoints: 1}
            backend: {name: djl, device: cpu, threads: 1}
            """;

    @TempDir
    Path dir;

    /** The last line on standard error: the command's closing message. */
    private static String lastErrLine(MainRun r) {
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static void assertNoStackTrace(MainRun r) {
        assertThat(r.out() + r.err()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("Error:");
    }

    private Path config(String yaml) throws Exception {
        Path c = dir.resolve("tiny.yaml");
        Files.writeString(c, yaml);
        return c;
    }

    @Test
    void aFolderWithFewerReadableImagesThanOneBatchIsBadDataNamedInOneLine() throws Exception {
        Path images = Files.createDirectories(dir.resolve("three"));
        for (int i = 0; i < 3; i++) {
            ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png",
                    images.resolve(i + ".png").toFile());
        }
        Files.writeString(images.resolve("notes.png"), "not an image");
        Path run = dir.resolve("run");
        MainRun r = MainRun.of("pretrain", "--config", config(TINY).toString(), "--set", "data.source=folder",
                "--set", "data.path=" + images, "--out", run.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(lastErrLine(r)).isEqualTo("seer4j: folder " + images
                + " has 3 readable images, fewer than one batch of 8 (skipped: {not_an_image=1})");
        assertNoStackTrace(r);
        // the trace is in the run's log for whoever needs it
        assertThat(Files.readString(run.resolve("log.txt")))
                .contains("fewer than one batch of 8").contains("at org.seer4j.data.views.PipelineStream");
    }

    @Test
    void anEngineRunningOutOfJavaHeapWhileOpeningEndsWithOneLineAndExitCode1() throws Exception {
        Supplier<Module> real = Engines.replace("tensorflow", () -> b -> b.bind(Engine.class)
                .toInstance(new HeapHungryEngine()));
        try {
            MainRun r = MainRun.of("pretrain", "--config", config(TINY).toString(), "--set", "backend.name=tensorflow",
                    "--out", dir.resolve("run").toString());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            double gib = Runtime.getRuntime().maxMemory() / (1024.0 * 1024 * 1024);
            assertThat(lastErrLine(r)).isEqualTo(String.format(java.util.Locale.ROOT,
                    "seer4j: out of Java heap memory (Java heap space; the JVM may use %.1f GiB): give it more with "
                            + "SEER4J_JAVA_OPTS=-Xmx<size>, or lower train.batch_size or the model size", gib));
            assertThat(r.out() + r.err()).doesNotContain("\tat ");
            assertThat(Files.readString(dir.resolve("run").resolve("log.txt")))
                    .contains("java.lang.OutOfMemoryError: Java heap space").contains("at " + HeapHungryEngine.class.getName());
        } finally {
            Engines.replace("tensorflow", real);
        }
    }

    @Test
    void withVerboseTheStackTraceIsShownToo() throws Exception {
        Supplier<Module> real = Engines.replace("tensorflow", () -> b -> b.bind(Engine.class)
                .toInstance(new HeapHungryEngine()));
        try {
            MainRun r = MainRun.of("pretrain", "-v", "--config", config(TINY).toString(),
                    "--set", "backend.name=tensorflow", "--out", dir.resolve("run").toString());
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("java.lang.OutOfMemoryError: Java heap space")
                    .contains("\tat " + HeapHungryEngine.class.getName());
            assertThat(lastErrLine(r)).startsWith("seer4j: out of Java heap memory");
        } finally {
            Engines.replace("tensorflow", real);
        }
    }

    @Test
    void aWorkerFailingUnderLaunchEndsTheJobWithOneLineNamingItsRank() throws Exception {
        MainRun r = MainRun.of("launch", "--nproc=2", "--master-port=" + freePort(), "--grace=1",
                "--main-class=" + FailingWorker.class.getName(), "--", "step");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(lastErrLine(r)).isEqualTo("seer4j: rank 1 failed (exit code 1): " + FailingWorker.MESSAGE
                + " (stack trace: --verbose or the run folder's logs/rank-1.log); rerun the same command to resume from the"
                + " last checkpoint");
        assertNoStackTrace(r);
    }

    @Test
    void aBadConfigurationUnderLaunchIsBadInputNamingTheRank() throws Exception {
        Path missing = dir.resolve("missing.yaml");
        MainRun r = MainRun.of("launch", "--nproc=2", "--master-port=" + freePort(), "--grace=20", "pretrain",
                "--config", missing.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(lastErrLine(r)).matches("seer4j: rank [01] failed \\(exit code 2\\): .*"
                + java.util.regex.Pattern.quote(missing.toString()) + ".*");
        assertNoStackTrace(r);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** An engine whose model does not fit the heap: opening it throws what the JVM throws then. */
    static final class HeapHungryEngine implements Engine {
        @Override
        public String name() {
            return "tensorflow";
        }

        @Override
        public String version() {
            return "test";
        }

        @Override
        public SwavModel open(ModelDefinition model, EngineSettings settings) {
            throw new OutOfMemoryError("Java heap space");
        }

        @Override
        public SwavObjective objective() {
            throw new UnsupportedOperationException();
        }

        @Override
        public double sgemmGflops(int n, int threads) {
            throw new UnsupportedOperationException();
        }
    }
}
