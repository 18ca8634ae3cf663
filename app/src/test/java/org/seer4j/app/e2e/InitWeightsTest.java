package org.seer4j.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.Cli;
import org.seer4j.app.Main;
import org.seer4j.app.wiring.Checkpoints;
import org.seer4j.core.port.Checkpoint;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.weights.RegNetImport;
import picocli.CommandLine;

/**
 * {@code model.init_weights} starts pretraining from a VISSL/SEER checkpoint (scripts/make_import_fixtures.py's
 * vissl_regnety.torch, a RegNetY given by explicit stage lists with a SwAV head): after one step with the
 * prototypes frozen, the prototypes are the file's, L2-normalised, and the stem is the file's (one SGD step at a
 * learning rate of 1e-6 barely moves it; a random initialisation would differ by about 100%).
 */
class InitWeightsTest {
    private static final String CONFIG = """
            model:
              arch: stages
              stages: {widths: [16, 24, 48, 64], depths: [1, 2, 2, 1], group_widths: [8, 8, 16, 16], stem_width: 8}
              head_dims: [32, 16]
              head_batch_norm: true
              init_weights: %s
            views:
              crops:
                - {count: 2, size: 16, min_scale: 0.5, max_scale: 1.0}
              assign_crops: [0, 1]
            swav: {prototypes: 10, freeze_prototypes_iters: 5, sinkhorn_iterations: 3}
            optim: {name: sgd, base_lr: 0.000001, lr_batch_size: 8, warmup_steps: 0, weight_decay: 0}
            train: {batch_size: 8, epochs: 0, steps: 1, seed: 3, log_every: 1, checkpoint_every: 1}
            data: {source: sample, workers: 1}
            backend: {name: djl, device: cpu, threads: 1}
            """;

    @TempDir
    Path dir;

    @Test
    void pretrainingStartsFromTheCheckpointsWeights() throws Exception {
        Path vissl = Path.of(InitWeightsTest.class.getResource("/fixtures/import/vissl_regnety.torch").toURI());
        Path config = dir.resolve("init.yaml");
        Files.writeString(config, CONFIG.formatted(vissl));
        StringWriter sink = new StringWriter();
        CommandLine cl = Cli.commandLine(new Main());
        cl.setOut(new PrintWriter(sink, true));
        cl.setErr(new PrintWriter(sink, true));
        assertThat(cl.execute("pretrain", "--config", config.toString(), "--out", dir.resolve("run").toString()))
                .as(sink.toString()).isZero();

        Map<String, Tensor> init;
        try (RegNetImport imported = RegNetImport.open(vissl, 2)) {
            init = imported.readAll();
        }
        Checkpoint after = new Checkpoints().read(dir.resolve("run"));
        Tensor protos = after.weights().readTensor("prototypes.weight");
        Tensor given = init.get("prototypes.weight");
        int k = given.dim(0);
        int d = given.dim(1);
        for (int r = 0; r < k; r++) {
            double norm = 0;
            for (int c = 0; c < d; c++) norm += (double) given.get(r * d + c) * given.get(r * d + c);
            norm = Math.sqrt(norm);
            for (int c = 0; c < d; c++) {
                assertThat((double) protos.get(r * d + c)).as("prototype %d, %d", r, c)
                        .isCloseTo(given.get(r * d + c) / norm, org.assertj.core.api.Assertions.within(1e-5));
            }
        }
        Tensor stem = after.weights().readTensor("stem.0.weight");
        Tensor stemGiven = init.get("stem.0.weight");
        double diff = 0;
        double size = 0;
        for (int i = 0; i < stem.size(); i++) {
            diff += Math.pow(stem.get(i) - stemGiven.get(i), 2);
            size += Math.pow(stemGiven.get(i), 2);
        }
        assertThat(Math.sqrt(diff / size)).as("relative change of the stem in one step").isLessThan(1e-3);
    }
}
