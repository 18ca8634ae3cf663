package org.seer4j.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.Main;
import org.seer4j.app.TinyConfig;

/**
 * {@code seer4j launch --nproc 2 pretrain} on the TensorFlow engine: the two workers' run logs the losses of the
 * single-process run and writes one set of checkpoints, and a job cut off after its first checkpoint resumes in a
 * single process (another world size) to the same result.
 */
class DistributedPretrainTest {
    private static final String TINY = TinyConfig.COMMON + """
            swav: {prototypes: 10, freeze_prototypes_iters: 2, sinkhorn_iterations: 3}
            train: {batch_size: 8, epochs: 0, steps: 4, seed: 3, log_every: 1, checkpoint_every: 2, keep_checkpoints: 2}
            backend: {name: tensorflow, device: cpu, threads: 1}
            output: {report: false}
            """;
    private static final Pattern LOSS = Pattern.compile("\"loss\":([-0-9.Ee]+)");

    @TempDir
    Path dir;

    @Test
    void twoWorkersTrainLikeOneAndACutOffJobResumesUnderAnotherWorldSize() throws Exception {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, TINY);
        Path single = dir.resolve("single");
        Path parallel = dir.resolve("parallel");
        assertThat(quietly("pretrain", "--config", config.toString(), "--out", single.toString())).isZero();
        int port = ThreadLocalRandom.current().nextInt(20000, 60000);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        try {
            System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
            assertThat(Main.run("launch", "--nproc", "2", "--master-port", Integer.toString(port), "pretrain",
                    "--config", config.toString(), "--out", parallel.toString())).isZero();
        } finally {
            System.setOut(oldOut);
        }
        // the job's console: rank 0's progress and summary only; every rank's full log in the run folder
        String shown = console.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("[rank 0] pretraining for 4 steps").contains("[rank 0] finished after 4 steps")
                .doesNotContain("[rank 1] pretraining").doesNotContain("[rank 1] finished")
                .doesNotContain("[rank 1] run folder");
        for (int r = 0; r < 2; r++) {
            assertThat(Files.readString(parallel.resolve("logs").resolve("rank-" + r + ".log")))
                    .contains("pretraining for 4 steps").contains("finished after 4 steps");
        }
        assertThat(parallel.resolve("log.txt")).doesNotExist();

        List<Double> expected = losses(single);
        List<Double> got = losses(parallel);
        assertThat(got).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(got.get(i)).as("step %d", i + 1).isCloseTo(expected.get(i), within(1e-4 * expected.get(i)));
        }
        try (Stream<Path> cps = Files.list(parallel.resolve("checkpoints"))) {
            assertThat(cps.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("step-000000000002", "step-000000000004");
        }

        // the job died after its step-2 checkpoint: drop what came later and rerun in one process
        deleteTree(parallel.resolve("checkpoints").resolve("step-000000000004"));
        Files.writeString(parallel.resolve("metrics.jsonl"), String.join("\n",
                Files.readAllLines(parallel.resolve("metrics.jsonl")).subList(0, 2)) + "\n");
        assertThat(quietly("pretrain", "--config", config.toString(), "--out", parallel.toString())).isZero();
        List<Double> resumed = losses(parallel);
        assertThat(resumed).hasSize(4);
        for (int i = 2; i < 4; i++) {
            assertThat(resumed.get(i)).as("resumed step %d", i + 1)
                    .isCloseTo(expected.get(i), within(1e-4 * expected.get(i)));
        }
    }

    private static List<Double> losses(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream().map(l -> {
            Matcher m = LOSS.matcher(l);
            if (!m.find()) throw new AssertionError("no loss in " + l);
            return Double.parseDouble(m.group(1));
        }).toList();
    }

    private static int quietly(String... args) {
        PrintStream oldOut = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            return Main.run(args);
        } finally {
            System.setOut(oldOut);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
