package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.model.ParameterLayout;
import org.seer4j.core.model.ParameterSpec;
import org.seer4j.core.optim.ParameterUpdate;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.tensor.Tensor;

/** The engine's optimiser step reproduces the core's ParameterUpdate on the same gradients, momentum included. */
class UpdateMathTest {

    @Test
    void larsStepsEqualTheCoreMathOverTwoStepsWithMomentum() {
        checkTwoSteps(TinyNets.lars(0.5), false);
    }

    @Test
    void sgdStepsEqualTheCoreMathAndFrozenPrototypesStayPut() {
        checkTwoSteps(TinyNets.sgd(0.2), true);
    }

    private void checkTwoSteps(OptimConfig optim, boolean freeze) {
        var def = TinyNets.swav(true, true, 10);
        var settings = TinyNets.settings(optim, TinyNets.swavConfig(10), 4);
        Map<String, ParameterSpec> layout = new HashMap<>();
        for (ParameterSpec p : ParameterLayout.of(def)) layout.put(p.name(), p);
        try (DjlSwavModel model = TinyNets.open(def, settings, DataType.FLOAT32, 31)) {
            Map<String, float[]> momentum = new HashMap<>();
            for (int s = 0; s < 2; s++) {
                MultiCropBatch batch = TinyNets.batch(4, 40 + s);
                StepPlan plan = new StepPlan(s, optim.baseLr() * (s + 1), freeze, false);
                LossAndGradients grads = model.lossAndGradients(batch, plan);
                Map<String, Tensor> before = model.weights(); // prototypes already normalised by the call above
                model.step(batch, plan);
                Map<String, Tensor> after = model.weights();
                for (var g : grads.gradients().entrySet()) {
                    String name = g.getKey();
                    float[] w = before.get(name).toArray();
                    if (freeze && name.equals("prototypes.weight")) {
                        assertThat(after.get(name)).isEqualTo(before.get(name));
                        continue;
                    }
                    float[] buf = momentum.computeIfAbsent(name, n -> new float[w.length]);
                    ParameterUpdate.apply(name, w, g.getValue().toArray(), buf, optim, plan.lr(),
                            layout.get(name).isBiasOrNorm());
                    // The step ends by putting the prototypes back on the unit sphere (SwAV does it next step).
                    if (name.equals("prototypes.weight")) normalizeRows(w, before.get(name).dim(1));
                    float[] engine = after.get(name).toArray();
                    for (int i = 0; i < w.length; i++) {
                        assertThat((double) engine[i]).as("%s[%d] after step %d", name, i, s)
                                .isCloseTo(w[i], within(2e-6 * Math.max(1, Math.abs(w[i]))));
                    }
                }
            }
        }
    }

    private static void normalizeRows(float[] w, int d) {
        for (int r = 0; r < w.length / d; r++) {
            double n = 0;
            for (int i = 0; i < d; i++) n += (double) w[r * d + i] * w[r * d + i];
            double scale = 1 / Math.max(Math.sqrt(n), 1e-12);
            for (int i = 0; i < d; i++) w[r * d + i] = (float) (w[r * d + i] * scale);
        }
    }

    @Test
    void theEngineDeclaresExactlyTheCoresParameterLayoutWithTheSameBiasAndNormSplit() {
        var def = new org.seer4j.core.model.ModelDefinition(TinyNets.plan(true), 2,
                new org.seer4j.core.model.HeadSpec(24, java.util.List.of(12, 9, 6), false), 10, 5);
        try (DjlSwavModel model = TinyNets.open(def, TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 4),
                DataType.FLOAT32, 1)) {
            var engine = model.parameters().all();
            var core = ParameterLayout.of(def);
            assertThat(engine.stream().map(ModelParameters.Entry::name).toList())
                    .containsExactlyElementsOf(core.stream().map(ParameterSpec::name).toList());
            for (int i = 0; i < core.size(); i++) {
                assertThat(Convert.toInts(engine.get(i).shape())).containsExactly(core.get(i).shape());
                assertThat(engine.get(i).kind() == ParameterKind.BIAS_OR_NORM).as(core.get(i).name())
                        .isEqualTo(core.get(i).isBiasOrNorm());
                assertThat(engine.get(i).kind().trainable()).isEqualTo(core.get(i).trainable());
            }
        }
    }

    @Test
    void blockByBlockUpdateReachesEveryValueOfAChannelsLastGradientOnce() {
        long saved = SgdLarcOptimizer.DECAY_CHUNK_VALUES;
        SgdLarcOptimizer.DECAY_CHUNK_VALUES = 20; // blocks of 1 row of 12 values, over 7 rows
        try (ai.djl.pytorch.engine.PtNDManager m =
                     (ai.djl.pytorch.engine.PtNDManager) ai.djl.ndarray.NDManager.newBaseManager()) {
            double wd = 0.37;
            double momentum = 0.9;
            OptimConfig sgd = new OptimConfig("sgd", momentum, wd, 0.1, 256, 0.0, 0.001, 0, 0.001, false, true);
            float[] w = new float[7 * 3 * 2 * 2];
            java.util.Random random = new java.util.Random(5);
            for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
            var weight = (ai.djl.pytorch.engine.PtNDArray) m.create(w, new ai.djl.ndarray.types.Shape(7, 3, 2, 2));
            var entry = new ModelParameters.Entry("conv.weight", weight, ParameterKind.WEIGHT);
            SgdLarcOptimizer optimizer = new SgdLarcOptimizer(sgd, m, java.util.List.of(entry));
            float[] buf = new float[w.length];
            float wdF = (float) wd;
            float mF = (float) momentum;
            for (int step = 0; step < 2; step++) {
                float[] g = new float[w.length];
                for (int i = 0; i < g.length; i++) g[i] = (float) random.nextGaussian();
                float lr = 0.5f + step;
                optimizer.update("conv.weight", ParameterKind.WEIGHT, weight, channelsLast(m, g), lr);
                for (int i = 0; i < w.length; i++) {
                    float d = g[i] + w[i] * wdF;
                    buf[i] = step == 0 ? d : buf[i] * mF + d;
                    w[i] = w[i] - buf[i] * lr;
                }
                float[] got = weight.toFloatArray();
                float[] gotBuf = optimizer.buffer("conv.weight").toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    assertThat(gotBuf[i]).as("momentum %d after step %d", i, step).isEqualTo(buf[i]);
                    assertThat(got[i]).as("weight %d after step %d", i, step).isEqualTo(w[i]);
                }
            }
        } finally {
            SgdLarcOptimizer.DECAY_CHUNK_VALUES = saved;
        }
    }

    /** {@code g} ([7, 3, 2, 2]) in channels-last strides ([7, 2, 2, 3] permuted), as convolutions give gradients. */
    private static ai.djl.pytorch.engine.PtNDArray channelsLast(ai.djl.pytorch.engine.PtNDManager m, float[] g) {
        float[] nhwc = new float[g.length];
        for (int o = 0; o < 7; o++) for (int c = 0; c < 3; c++) for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) {
            nhwc[((o * 2 + y) * 2 + x) * 3 + c] = g[((o * 3 + c) * 2 + y) * 2 + x];
        }
        return ai.djl.pytorch.jni.JniUtils.permute(
                (ai.djl.pytorch.engine.PtNDArray) m.create(nhwc, new ai.djl.ndarray.types.Shape(7, 2, 2, 3)),
                new long[] {0, 3, 1, 2});
    }
}
