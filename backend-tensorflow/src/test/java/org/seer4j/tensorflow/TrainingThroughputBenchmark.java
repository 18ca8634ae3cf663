package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.model.HeadSpec;
import org.seer4j.core.model.ModelCost;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetPresets;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;

/**
 * Figures, not checks: SwAV steps of RegNetY-400MF (crops 2x96 + 4x48, batch 16, head 440-512-128, 1000
 * prototypes, SGD) with both grouped-convolution paths, printed with the MFU against the engine's sgemm rate.
 * Run with {@code -Pslow -Dtest=TrainingThroughputBenchmark}.
 */
@Tag("slow")
class TrainingThroughputBenchmark {

    @Test
    void printsImagesPerSecondAndMfuOfBothGroupedConvolutionPaths() {
        int threads = Integer.getInteger("bench.threads", 2);
        int batch = Integer.getInteger("bench.batch", 16);
        RegNetPlan plan = RegNetGenerator.plan(RegNetPresets.find("regnety_400mf").orElseThrow());
        ModelDefinition def = new ModelDefinition(plan, 2, new HeadSpec(plan.outWidth(), List.of(512, 128), true),
                1000, 0);
        ViewsConfig views = new ViewsConfig(List.of(new CropGroup(2, 96, 0.14, 1), new CropGroup(4, 48, 0.05, 0.14)),
                List.of(0, 1), Augmentation.defaults());
        EngineSettings s = new EngineSettings("cpu", threads, 1, new SwavConfig(1000, 0.1, 0.05, 3, 0, 0, 0),
                new OptimConfig("sgd", 0.9, 1e-6, 0.1, 256, 0, 0.001, 0, 0.001, false, true), views, batch,
                Collective.SINGLE);
        Random r = new Random(1);
        MultiCropBatch data = new MultiCropBatch(List.of(TinyNets.images(r, 2 * batch, 96),
                TinyNets.images(r, 4 * batch, 48)), batch);
        double macsPerImage = 2.0 * ModelCost.of(def, 96).macs() + 4.0 * ModelCost.of(def, 48).macs();
        TensorFlowEngine probe = new TensorFlowEngine();
        double peak = probe.sgemmGflops(2048, threads);
        System.out.printf("sgemm 2048^3 on %d threads: %.1f GFLOP/s%n", threads, peak);
        for (String name : System.getProperty("bench.modes", "NATIVE,SPLIT").split(",")) {
            GroupedConv mode = GroupedConv.valueOf(name.trim());
            TensorFlowEngine engine = new TensorFlowEngine(mode);
            try (TfSwavModel m = (TfSwavModel) engine.open(def, s)) {
                long t0 = System.nanoTime();
                m.step(data, new StepPlan(0, 0.1, false, false));
                double firstSeconds = (System.nanoTime() - t0) / 1e9;
                m.step(data, new StepPlan(1, 0.1, false, false));
                int steps = Integer.getInteger("bench.steps", 5);
                long t1 = System.nanoTime();
                double loss = 0;
                for (int i = 0; i < steps; i++) loss = m.step(data, new StepPlan(2 + i, 0.1, false, false)).loss();
                double seconds = (System.nanoTime() - t1) / 1e9 / steps;
                double imagesPerSecond = batch / seconds;
                double mfu = 3 * 2 * macsPerImage * imagesPerSecond / 1e9 / peak;
                System.out.printf("%s: first step (graph build) %.1f s, %.3f s/step, %.1f images/s, MFU %.3f,"
                        + " loss %.4f%n", mode, firstSeconds, seconds, imagesPerSecond, mfu, loss);
                assertThat(loss).isFinite();
            }
        }
    }
}
