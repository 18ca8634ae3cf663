package org.seer4j.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.inject.Injector;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.Cli;
import org.seer4j.app.Main;
import org.seer4j.app.TinyConfig;
import org.seer4j.app.config.ConfigLoader;
import org.seer4j.app.run.MetricsLog;
import org.seer4j.app.run.Pretraining;
import org.seer4j.app.wiring.Checkpoints;
import org.seer4j.app.wiring.Injectors;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.port.Checkpoint;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.service.PretrainService;
import org.seer4j.core.service.ProgressListener;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.usecase.PretrainUseCase.Summary;
import picocli.CommandLine;

/**
 * The product end to end on the DJL engine with a tiny network and a few steps: the commands a user runs, the
 * files they leave, resume equality, stopping, bad configs and bad images.
 */
class PretrainEndToEndTest {
    /** {@link TinyConfig}'s network for 6 steps on DJL, a checkpoint every 3. */
    static final String TINY = TinyConfig.COMMON + """
            swav: {prototypes: 10, freeze_prototypes_iters: 2, sinkhorn_iterations: 3}
            train: {batch_size: 8, epochs: 0, steps: 6, seed: 3, log_every: 1, checkpoint_every: 3, keep_checkpoints: 2}
            backend: {name: djl, device: cpu, threads: 1}
            eval: {protocol: knn, knn_k: 5, linear_epochs: 20}
            """;

    @TempDir
    static Path shared;
    static Path config;
    static Path straight;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Cli.commandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @BeforeAll
    static void anUninterruptedRun() throws Exception {
        config = shared.resolve("tiny.yaml");
        Files.writeString(config, TINY);
        straight = shared.resolve("straight");
        StringWriter sink = new StringWriter();
        CommandLine cl = Cli.commandLine(new Main());
        cl.setOut(new PrintWriter(sink, true));
        cl.setErr(new PrintWriter(sink, true));
        assertThat(cl.execute("pretrain", "--config", config.toString(), "--out", straight.toString()))
                .as(sink.toString()).isZero();
    }

    @Test
    void pretrainWritesTheConfigMetricsCheckpointsAndAReport() throws Exception {
        assertThat(straight.resolve("config.yaml")).exists();
        RunConfig written = ConfigLoader.load(straight.resolve("config.yaml"));
        assertThat(written.train().steps()).isEqualTo(6);
        List<MetricsRecord> metrics = MetricsLog.read(straight.resolve("metrics.jsonl"));
        assertThat(metrics).extracting(MetricsRecord::step).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(metrics).allSatisfy(m -> assertThat(m.loss()).isFinite().isPositive());
        try (var steps = Files.list(straight.resolve("checkpoints"))) {
            assertThat(steps.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("step-000000000003", "step-000000000006");
        }
        Checkpoint last = new Checkpoints().read(straight);
        assertThat(last.step()).isEqualTo(6);
        assertThat(last.metadata()).containsEntry("engine", "djl").containsEntry("seed", "3")
                .containsKey("engine_version").containsKey("config");
        assertThat(last.weights().toMap()).containsKey("prototypes.weight").containsKey("stem.0.weight");
        String html = Files.readString(straight.resolve("report.html"), StandardCharsets.UTF_8);
        assertThat(html).contains("<figure id=\"loss\"><svg", "<figure id=\"lr\"><svg", "djl");
    }

    @Test
    void aRunStoppedAtStepThreeAndResumedEqualsTheUninterruptedRun() throws Exception {
        Path resumed = shared.resolve("resumed");
        RunConfig cfg = ConfigLoader.load(config);
        Injector[] injector = new Injector[1];
        ProgressListener stopAtThree = p -> {
            if (p.step() == 3) {
                injector[0].getInstance(PretrainService.class).requestStop();
            }
        };
        injector[0] = Injectors.forRun(cfg, stopAtThree);
        Summary first = new Pretraining(injector[0], new PrintWriter(out, true)).run(cfg, resumed, "tiny");
        assertThat(first.stopped()).isTrue();
        assertThat(first.steps()).isEqualTo(3);

        assertThat(run("pretrain", "--config", config.toString(), "--out", resumed.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("resuming at step 3 of 6");

        // The same losses: the first three from the first invocation, the rest after the resume. PyTorch's CPU
        // kernels may round the first step of a fresh process differently in the last bit, hence 1e-6 relative.
        List<MetricsRecord> once = MetricsLog.read(straight.resolve("metrics.jsonl"));
        List<MetricsRecord> twice = MetricsLog.read(resumed.resolve("metrics.jsonl"));
        assertThat(twice).extracting(MetricsRecord::step).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        for (int i = 0; i < 6; i++) {
            assertThat(twice.get(i).loss()).as("loss of step %d", i + 1)
                    .isCloseTo(once.get(i).loss(), within(1e-6 * once.get(i).loss()));
            assertThat(twice.get(i).lr()).isEqualTo(once.get(i).lr());
        }
        Checkpoint a = new Checkpoints().read(straight);
        Checkpoint b = new Checkpoints().read(resumed);
        assertThat(b.step()).isEqualTo(6);
        assertThat(b.weights().tensors()).isEqualTo(a.weights().tensors());
        double worst = 0;
        for (Map.Entry<String, Tensor> e : a.weights().toMap().entrySet()) {
            float[] x = e.getValue().toArray();
            float[] y = b.weights().readTensor(e.getKey()).toArray();
            assertThat(y).as(e.getKey()).hasSameSizeAs(x);
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - y[i]));
            }
        }
        assertThat(worst).as("largest weight difference").isLessThan(1e-5);
        assertThat(b.metadata().get("data_position")).isEqualTo(a.metadata().get("data_position"));
    }

    @Test
    void evalOfTheRunAndOfTheRandomInitBaselinePrintAndWriteAccuracies() throws Exception {
        assertThat(run("eval", "--checkpoint", straight.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("4000 training and 1000 test images", "kNN (k=5, T=0.07) top-1:");
        String json = Files.readString(straight.resolve("eval.json"));
        assertThat(json).contains("\"knn_top1\": 0.", "\"linear_top1\": null", "\"test_images\": 1000");
        Path baseline = shared.resolve("baseline.json");
        assertThat(run("eval", "--config", config.toString(), "--random-init", "--output", baseline.toString()))
                .as(err.toString()).isZero();
        assertThat(Files.readString(baseline)).contains("\"random_init\": true");
    }

    @Test
    void embedWritesOneCsvRowOfTrunkFeaturesPerImage() throws Exception {
        Path csv = shared.resolve("features.csv");
        assertThat(run("embed", "--checkpoint", straight.toString(), "--output", csv.toString()))
                .as(err.toString()).isZero();
        List<String> lines = Files.readAllLines(csv);
        // The bundled sample's 4000 training images; the tiny trunk ends in 16 channels.
        assertThat(lines).hasSize(4001);
        assertThat(lines.get(0)).startsWith("id,label,f0,f1,").endsWith(",f15");
        assertThat(lines.get(1).split(",")).hasSize(2 + 16);
        assertThat(out.toString()).contains("embedded 4000 images (16 features each, 0 skipped)");
    }

    @Test
    void aBadConfigExitsWithTwoNamingTheKey() throws Exception {
        Path bad = shared.resolve("bad.yaml");
        Files.writeString(bad, TINY.replace("prototypes: 10", "prototypes: -4"));
        assertThat(run("pretrain", "--config", bad.toString(), "--out", shared.resolve("bad").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("swav.prototypes").doesNotContain("Exception");
        assertThat(run("eval")).isEqualTo(2);
        assertThat(err.toString()).contains("give either --checkpoint CKPT or --random-init");
    }

    @Test
    void aFolderWithBadImagesTrainsOnTheGoodOnesAndCountsTheRest() throws Exception {
        Path images = shared.resolve("messy");
        Files.createDirectories(images.resolve("sub"));
        Random r = new Random(5);
        for (int i = 0; i < 20; i++) {
            BufferedImage img = new BufferedImage(20, 18, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 18; y++) {
                for (int x = 0; x < 20; x++) {
                    img.setRGB(x, y, r.nextInt(0xffffff));
                }
            }
            ImageIO.write(img, "png", images.resolve((i % 2 == 0 ? "sub/" : "") + "img" + i + ".png").toFile());
        }
        Files.write(images.resolve("broken.png"), new byte[] {1, 2, 3, 4, 5});
        Files.write(images.resolve("empty.jpg"), new byte[0]);
        Files.writeString(images.resolve("notes.txt"), "not an image");
        Path run = shared.resolve("messy-run");
        assertThat(run("pretrain", "--config", config.toString(), "--set", "data.source=folder",
                "--set", "data.path=" + images, "--set", "train.steps=3", "--out", run.toString()))
                .as(err.toString()).isZero();
        // 20 good images make 2 batches of 8 per epoch; the third step starts epoch 1, so epoch 0 was read to
        // its end and both bad files were met (the text file is not an image name and is ignored).
        List<MetricsRecord> metrics = MetricsLog.read(run.resolve("metrics.jsonl"));
        assertThat(metrics).extracting(MetricsRecord::epoch).containsExactly(0L, 0L, 1L);
        Map<String, Long> skipped = metrics.get(2).skipped();
        assertThat(skipped.values().stream().mapToLong(Long::longValue).sum()).as(skipped.toString()).isGreaterThanOrEqualTo(2);
        assertThat(skipped).containsKey("empty");
        assertThat(Files.readString(run.resolve("report.html"))).contains("Skipped images");
    }
}
