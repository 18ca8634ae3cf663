package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.tensor.Tensor;

/**
 * The DJL engine's memory techniques against the plain path (the whole graph differentiated at once, then every
 * tensor updated, momentum in float32): segment-by-segment backward with each segment's update applied and its
 * gradients freed at once, and activation checkpointing.
 */
class MemorySwitchesTest {
    private static final long WEIGHTS = 71;
    /**
     * Weights cross the port as float32: float64 results that agree to ~1e-12 may still round to neighbouring
     * float32 values (2^-24 apart, relative).
     */
    private static final double FLOAT32_ROUNDING = 2e-7;

    @Test
    void segmentBySegmentStepsEqualWholeGraphStepsInFloat64() {
        var settings = settings(TinyNets.lars(0.4), false, "float32", Collective.SINGLE, 4);
        Map<String, Tensor> plain = train(settings, true, DataType.FLOAT64, 3, null);
        Map<String, Tensor> segmented = train(settings, false, DataType.FLOAT64, 3, null);
        assertClose(segmented, plain, FLOAT32_ROUNDING);
    }

    @Test
    void activationCheckpointingGivesTheSameLossAndGradientsInFloat64() {
        var def = TinyNets.swav(true, true, 10);
        MultiCropBatch batch = TinyNets.batch(4, 3);
        StepPlan plan = new StepPlan(0, 0.1, false, false);
        LossAndGradients want;
        LossAndGradients got;
        try (DjlSwavModel model = TinyNets.open(def, settings(TinyNets.sgd(0.1), false, "float32",
                Collective.SINGLE, 4), DataType.FLOAT64, WEIGHTS)) {
            want = model.lossAndGradients(batch, plan);
        }
        try (DjlSwavModel model = TinyNets.open(def, settings(TinyNets.sgd(0.1), true, "float32",
                Collective.SINGLE, 4), DataType.FLOAT64, WEIGHTS)) {
            got = model.lossAndGradients(batch, plan);
        }
        assertThat(got.loss()).isCloseTo(want.loss(), within(1e-6 * Math.abs(want.loss())));
        assertThat(got.gradients().keySet()).containsExactlyElementsOf(want.gradients().keySet());
        // every trunk segment, the head and the prototypes receive gradient
        assertThat(want.gradients()).containsKeys("stem.0.weight", "trunk_output.block2.block2-1.f.c.0.weight",
                "head.0.weight", "prototypes.weight");
        double worst = 0;
        for (String name : want.gradients().keySet()) {
            worst = Math.max(worst, relativeError(got.gradients().get(name), want.gradients().get(name)));
        }
        assertThat(worst).as("largest relative gradient error").isLessThan(1e-6);
    }

    @Test
    void checkpointedStepsEqualPlainStepsAndMoveBnStatisticsOncePerStep() {
        // weights, BN running statistics and momentum after 3 steps: a recomputed forward that moved the running
        // statistics again would leave them 0.9 * ... off after the first step
        var plainSettings = settings(TinyNets.sgd(0.3), false, "float32", Collective.SINGLE, 4);
        var checkpointed = settings(TinyNets.sgd(0.3), true, "float32", Collective.SINGLE, 4);
        List<Map<String, Tensor>> state = new ArrayList<>();
        Map<String, Tensor> plain = train(plainSettings, true, DataType.FLOAT64, 3, state);
        Map<String, Tensor> recomputed = train(checkpointed, false, DataType.FLOAT64, 3, state);
        assertClose(recomputed, plain, FLOAT32_ROUNDING);
        assertClose(state.get(1), state.get(0), FLOAT32_ROUNDING);
        try (DjlSwavModel fresh = TinyNets.open(TinyNets.swav(true, true, 10), plainSettings, DataType.FLOAT64,
                WEIGHTS)) {
            assertThat(plain.get("stem.1.running_var").toArray()).as("the statistics moved at all")
                    .isNotEqualTo(fresh.weights().get("stem.1.running_var").toArray());
        }
    }

    @Test
    void aStepLeavesNoGradientBehind() {
        var settings = settings(TinyNets.sgd(0.1), false, "float32", Collective.SINGLE, 2);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT64, WEIGHTS)) {
            for (int s = 0; s < 2; s++) {
                model.step(TinyNets.batch(2, s), new StepPlan(s, 0.1, false, false));
                model.lossAndGradients(TinyNets.batch(2, s), new StepPlan(s, 0.1, false, false));
            }
            for (ModelParameters.Entry p : model.parameters().trainable()) {
                assertThat(JniUtils.getGradient(p.array())).as(p.name()).isNull();
            }
        }
    }

    @Test
    void twoWorkersStepSegmentBySegmentLikeTwoWorkersDifferentiatingTheWholeGraph() throws Exception {
        // per-segment gradient averaging: every worker all-reduces the segments in the same order
        MultiCropBatch all = TinyNets.batch(4, 990);
        List<Map<String, Tensor>> plain = InProcessWorkers.run(2, c -> trainWorker(c, all, true));
        List<Map<String, Tensor>> segmented = InProcessWorkers.run(2, c -> trainWorker(c, all, false));
        assertClose(segmented.get(0), plain.get(0), FLOAT32_ROUNDING);
        assertClose(segmented.get(1), plain.get(1), FLOAT32_ROUNDING);
    }

    @Test
    void bfloat16OptimiserStateIsRefusedWithTheKeyNamed() {
        // DJL 0.36's PyTorch JNI aborts the JVM when asked for a bfloat16 tensor, so the engine must not try
        var settings = settings(TinyNets.sgd(0.1), false, "bfloat16", Collective.SINGLE, 2);
        assertThatThrownBy(() -> TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT32, WEIGHTS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("optim.state_dtype")
                .hasMessageContaining("float32");
    }

    private static Map<String, Tensor> train(EngineSettings settings, boolean wholeGraph, DataType type, int steps,
                                             List<Map<String, Tensor>> trainingStates) {
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, type, WEIGHTS)) {
            if (wholeGraph) model.differentiateWholeGraph();
            model.beforeBackward(System::gc);
            for (int s = 0; s < steps; s++) {
                model.step(TinyNets.batch(settings.batchSize(), 300 + s), new StepPlan(s, 0.3, s == 0, false));
            }
            if (trainingStates != null) trainingStates.add(model.trainingState());
            return model.weights();
        }
    }

    private static Map<String, Tensor> trainWorker(Collective c, MultiCropBatch all, boolean wholeGraph) {
        var settings = settings(TinyNets.lars(0.3), false, "float32", c, all.batchSize() / c.worldSize());
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT64, WEIGHTS)) {
            if (wholeGraph) model.differentiateWholeGraph();
            for (int s = 0; s < 2; s++) {
                model.step(all.shard(c.rank(), c.worldSize()), new StepPlan(s, 0.3, false, false));
            }
            return model.weights();
        }
    }

    private static EngineSettings settings(OptimConfig optim, boolean checkpointing, String stateDtype,
                                           Collective collective, int batch) {
        OptimConfig o = new OptimConfig(optim.name(), optim.momentum(), optim.weightDecay(), optim.baseLr(),
                optim.lrBatchSize(), optim.warmupStartLr(), optim.finalLrRatio(), optim.warmupSteps(),
                optim.larsTrust(), optim.larsClip(), optim.larsExcludeBiasAndNorm(), stateDtype);
        return new EngineSettings("cpu", 1, 7, TinyNets.swavConfig(10), o, TinyNets.views(), batch, collective, 1,
                checkpointing);
    }

    private static double relativeError(Tensor got, Tensor want) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < want.size(); i++) {
            diff += Math.pow(got.get(i) - want.get(i), 2);
            norm += Math.pow(want.get(i), 2);
        }
        return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
    }

    private static void assertClose(Map<String, Tensor> got, Map<String, Tensor> want, double tolerance) {
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(want.keySet());
        for (String name : want.keySet()) {
            float[] w = want.get(name).toArray();
            float[] g = got.get(name).toArray();
            for (int i = 0; i < w.length; i++) {
                assertThat((double) g[i]).as("%s[%d]", name, i)
                        .isCloseTo(w[i], within(tolerance * Math.max(1, Math.abs(w[i]))));
            }
        }
    }

}
