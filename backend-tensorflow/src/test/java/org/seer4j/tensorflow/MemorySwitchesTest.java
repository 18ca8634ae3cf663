package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.tensor.Tensor;

/** The memory switches against the plain path: activation checkpointing and bfloat16 optimiser state. */
class MemorySwitchesTest {
    private static final ModelDefinition DEF = TinyNets.swav(true, true, 10);

    private static EngineSettings settings(OptimConfig optim, boolean checkpointing) {
        return new EngineSettings("cpu", 1, 7, TinyNets.swavConfig(10, 0), optim, TinyNets.views(), 2,
                Collective.SINGLE, 0, checkpointing);
    }

    private static OptimConfig sgd(double lr, String stateDtype) {
        return new OptimConfig("sgd", 0.9, 1e-4, lr, 4, 0.0, 0.001, 0, 0.001, false, true, stateDtype);
    }

    /** max |a - b| over the tensor, relative to max |b|. */
    private static double relativeError(Tensor a, Tensor b) {
        double diff = 0, scale = 0;
        for (int i = 0; i < b.size(); i++) {
            diff = Math.max(diff, Math.abs(a.get(i) - b.get(i)));
            scale = Math.max(scale, Math.abs(b.get(i)));
        }
        return scale == 0 ? diff : diff / scale;
    }

    /**
     * The recomputed segments run the same kernels on the same inputs, so loss and every gradient agree to 1e-6
     * relative. (The engine's graph is float32 only: FusedBatchNormV3 has no float64 kernel, so the comparison is
     * at float32 with one thread, where the two paths differ only in the order partial gradients are summed.)
     */
    @Test
    void checkpointedStagesGiveTheSameLossAndGradientsAsThePlainPath() {
        MultiCropBatch batch = TinyNets.batch(2, 31);
        StepPlan plan = new StepPlan(0, 0.1, false, false);
        Map<String, Tensor> w = TinyNets.randomWeights(DEF, 30);
        TensorFlowEngine engine = new TensorFlowEngine(GroupedConv.SPLIT);
        try (TfSwavModel plain = engine.open(DEF, settings(TinyNets.sgd(0.1), false), w);
             TfSwavModel ckpt = engine.open(DEF, settings(TinyNets.sgd(0.1), true), w)) {
            LossAndGradients a = plain.lossAndGradients(batch, plan);
            LossAndGradients b = ckpt.lossAndGradients(batch, plan);
            assertThat(Math.abs(b.loss() - a.loss())).isLessThanOrEqualTo(1e-6 * Math.abs(a.loss()));
            assertThat(b.gradients().keySet()).isEqualTo(a.gradients().keySet());
            a.gradients().forEach((name, g) -> assertThat(relativeError(b.gradients().get(name), g)).as(name)
                    .isLessThanOrEqualTo(1e-6));
            // a whole step: same weights, and BN running averages folded once (not again by the recomputation)
            plain.step(batch, plan);
            ckpt.step(batch, plan);
            Map<String, Tensor> after = plain.weights();
            ckpt.weights().forEach((name, t) -> assertThat(relativeError(t, after.get(name))).as(name)
                    .isLessThanOrEqualTo(1e-6));
        }
    }

    /**
     * A model whose gradients exceed {@link BackwardGraph#WHOLE_GRADIENT_BYTES} (here the threshold is lowered to 0)
     * makes each piece's backward wait for the update of the piece after it, so one piece's gradients are alive at a
     * time; a smaller one lets backward run on. The order changes nothing else: the same weights after two steps.
     */
    @Test
    void backwardWaitsForEachPiecesUpdateOnlyWhenTheGradientsExceedTheThreshold() {
        MultiCropBatch batch = TinyNets.batch(2, 33);
        Map<String, Tensor> w = TinyNets.randomWeights(DEF, 32);
        TensorFlowEngine engine = new TensorFlowEngine(GroupedConv.SPLIT);
        Map<String, Tensor> free;
        try (TfSwavModel m = engine.open(DEF, settings(TinyNets.sgd(0.1), false), w)) {
            for (int s = 0; s < 2; s++) m.step(batch, new StepPlan(s, 0.1, false, false));
            assertThat(m.operationCount("/gate")).isZero();
            free = m.weights();
        }
        String before = System.getProperty(BackwardGraph.WHOLE_GRADIENT_PROPERTY);
        System.setProperty(BackwardGraph.WHOLE_GRADIENT_PROPERTY, "0");
        try (TfSwavModel m = engine.open(DEF, settings(TinyNets.sgd(0.1), false), w)) {
            for (int s = 0; s < 2; s++) m.step(batch, new StepPlan(s, 0.1, false, false));
            // one gate per crop group at every piece but the stem, which has no input gradient
            int pieces = TinyNets.swav(true, true, 10).trunk().blocks().size() + 1;
            assertThat(m.operationCount("/gate")).isEqualTo(2 * (pieces - 1) + 2);
            m.weights().forEach((name, t) -> assertThat(relativeError(t, free.get(name))).as(name)
                    .isLessThanOrEqualTo(1e-6));
        } finally {
            if (before == null) System.clearProperty(BackwardGraph.WHOLE_GRADIENT_PROPERTY);
            else System.setProperty(BackwardGraph.WHOLE_GRADIENT_PROPERTY, before);
        }
    }

    /**
     * bfloat16 keeps 8 significant bits, so each stored momentum value carries a relative rounding error of at most
     * 2^-8. SwAV on a tiny net is chaotic (Sinkhorn's assignments flip), so a fixed loss tolerance would only
     * measure that chaos; the bound is instead what a perturbation of the same size does to the float32 run: the
     * same 20 steps with the learning rate scaled by 1 + 2^-8. bfloat16 state must stay within that run's largest
     * deviation at every step, start identically (the first update's buffer is the float32 gradient itself), end
     * within 5% of float32's mean loss over the last 5 steps, and really be stored rounded.
     */
    @Test
    void bfloat16MomentumStaysWithinTheFloat32RunsSensitivityToItsRounding() {
        Map<String, Tensor> w = TinyNets.randomWeights(DEF, 40);
        TensorFlowEngine engine = new TensorFlowEngine(GroupedConv.SPLIT);
        double lr = 0.1;
        MultiCropBatch batch = TinyNets.batch(2, 100);
        double[] f32 = new double[20];
        double[] bf16 = new double[20];
        double[] nudged = new double[20];
        try (TfSwavModel a = engine.open(DEF, settings(sgd(lr, "float32"), false), w);
             TfSwavModel b = engine.open(DEF, settings(sgd(lr, "bfloat16"), false), w);
             TfSwavModel c = engine.open(DEF, settings(sgd(lr, "float32"), false), w)) {
            for (int it = 0; it < 20; it++) {
                f32[it] = a.step(batch, new StepPlan(it, lr, false, false)).loss();
                bf16[it] = b.step(batch, new StepPlan(it, lr, false, false)).loss();
                nudged[it] = c.step(batch, new StepPlan(it, lr * (1 + 1.0 / 256), false, false)).loss();
            }
            Tensor m = b.trainingState().get("momentum.stem.0.weight");
            for (int i = 0; i < m.size(); i++) {
                assertThat(Float.floatToRawIntBits(m.get(i)) & 0xFFFF).as("low bits of momentum[%d]", i).isZero();
            }
            assertThat(m.toArray()).isNotEqualTo(new float[m.size()]);
        }
        assertThat(bf16[0]).isEqualTo(f32[0]);
        assertThat(bf16[1]).isEqualTo(f32[1]);
        double sensitivity = 0;
        for (int it = 0; it < 20; it++) sensitivity = Math.max(sensitivity, Math.abs(nudged[it] - f32[it]));
        for (int it = 0; it < 20; it++) {
            assertThat(Math.abs(bf16[it] - f32[it])).as("step %d", it).isLessThanOrEqualTo(sensitivity);
        }
        double endF32 = 0, endBf16 = 0;
        for (int it = 15; it < 20; it++) {
            endF32 += f32[it] / 5;
            endBf16 += bf16[it] / 5;
        }
        assertThat(Math.abs(endBf16 - endF32)).isLessThanOrEqualTo(0.05 * endF32);
        assertThat(endF32).isLessThan(0.6 * f32[0]); // the float32 run itself learns
    }
}
