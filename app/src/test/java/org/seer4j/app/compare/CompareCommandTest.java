package org.seer4j.app.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.Cli;
import org.seer4j.app.Main;
import org.seer4j.app.TinyConfig;
import org.seer4j.data.json.Json;
import picocli.CommandLine;

/** {@code seer4j compare} on both real engines with a tiny network, and its refusals of bad input. */
class CompareCommandTest {
    /** {@link TinyConfig}'s network for 3 steps; {@code --backends} picks the engines. */
    private static final String TINY = TinyConfig.COMMON + """
            swav: {prototypes: 10, freeze_prototypes_iters: 1, sinkhorn_iterations: 3}
            train: {batch_size: 8, epochs: 0, steps: 3, seed: 3, log_every: 1}
            backend: {name: djl, device: cpu, threads: 1}
            """;

    @TempDir
    Path tmp;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Cli.commandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void bothEnginesTrainedFromTheSameWeightsOnTheSameBatchesAreConformant() throws Exception {
        Path config = tmp.resolve("tiny.yaml");
        Files.writeString(config, TINY);
        Path dir = tmp.resolve("cmp");

        int code = run("compare", "--config", config.toString(), "--backends", "djl,tensorflow", "--steps", "3",
                "--out", dir.toString());

        assertThat(code).as(out + "\n" + err).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("compare.json")));
        assertThat(json.get("conformant")).isEqualTo(true);
        assertThat(json.get("steps")).isEqualTo(3L);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> engines = (List<Map<String, Object>>) json.get("engines");
        assertThat(engines).extracting(e -> e.get("backend")).containsExactly("djl", "tensorflow");
        @SuppressWarnings("unchecked")
        List<Number> djl = (List<Number>) engines.get(0).get("losses");
        @SuppressWarnings("unchecked")
        List<Number> tf = (List<Number>) engines.get(1).get("losses");
        assertThat(djl).hasSize(3);
        // the difference in the file is the one the losses in the file imply, and within the tolerance
        double largest = 0;
        for (int s = 0; s < 3; s++) {
            double d = Math.abs(djl.get(s).doubleValue() - tf.get(s).doubleValue());
            largest = Math.max(largest, d);
            assertThat(d).isLessThanOrEqualTo(1e-3 * Math.abs(djl.get(s).doubleValue()));
        }
        assertThat(((Number) json.get("max_loss_difference")).doubleValue()).isEqualTo(largest);
        // one SGD step already agrees to 1e-5 of each tensor's scale (CrossEngineConformanceTest); 3 stay close
        assertThat(((Number) json.get("max_relative_weight_difference")).doubleValue()).isLessThan(1e-3);
        assertThat(((Number) engines.get(0).get("images_per_second")).doubleValue()).isPositive();
        String html = Files.readString(dir.resolve("compare.html"));
        assertThat(html).contains("<svg", "conformant", "djl", "tensorflow", "images/s").doesNotContain("<script");
        assertThat(html.split("<svg", -1)).hasSize(3); // the loss curves and the difference plot
    }

    @Test
    void anUnknownBackendIsRefusedWithExitCode2() {
        assertThat(run("compare", "--backends", "djl,mxnet", "--steps", "2", "--out", tmp.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown or unavailable backend 'mxnet'");
    }

    @Test
    void fewerThanTwoBackendsAreRefusedWithExitCode2() {
        assertThat(run("compare", "--backends", "djl", "--out", tmp.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("at least 2 backends");
    }

    @Test
    void fewerThanOneStepIsRefusedWithExitCode2() {
        assertThat(run("compare", "--backends", "djl,tensorflow", "--steps", "0", "--out", tmp.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--steps must be at least 1");
    }
}
