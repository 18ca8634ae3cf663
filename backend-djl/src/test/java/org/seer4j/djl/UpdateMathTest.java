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
}
