package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.tensor.Tensor;

/**
 * Parameter gradients of the whole SwAV loss (trunk with SE, head with BN in training mode, prototypes, Sinkhorn
 * targets held fixed as SwAV's stop-gradient does) against central finite differences, in double precision.
 */
class GradientCheckTest {
    /** Small: ReLU kinks lie within 1e-4 of some activations of a tiny net; double keeps rounding at 1e-10. */
    private static final double H = 1e-6;

    @Test
    void parameterGradientsMatchCentralFiniteDifferences() {
        var def = TinyNets.swav(true, true, 10);
        var settings = TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 3);
        try (DjlSwavModel model = TinyNets.open(def, settings, DataType.FLOAT64, 21)) {
            MultiCropBatch batch = TinyNets.batch(3, 22);
            StepPlan plan = new StepPlan(0, 0.1, false, false);
            List<Tensor> codes = model.codes(batch, plan);
            LossAndGradients analytic = model.lossAndGradients(batch, plan, codes);
            String[][] probes = {
                {"stem.0.weight", "5"},
                {"stem.1.weight", "3"},
                {"trunk_output.block1.block1-0.proj.0.weight", "17"},
                {"trunk_output.block1.block1-0.f.se.fc1.weight", "4"},
                {"trunk_output.block1.block1-0.f.se.fc2.bias", "1"},
                {"trunk_output.block2.block2-0.f.b.0.weight", "40"},
                {"trunk_output.block2.block2-1.f.c.1.bias", "2"},
                {"head.0.weight", "30"},
                {"head.1.weight", "5"},
                {"head.3.bias", "2"},
            };
            for (String[] probe : probes) {
                String name = probe[0];
                int index = Integer.parseInt(probe[1]);
                nudge(model, name, index, H);
                double plus = model.lossAndGradients(batch, plan, codes).loss();
                nudge(model, name, index, -2 * H);
                double minus = model.lossAndGradients(batch, plan, codes).loss();
                nudge(model, name, index, H);
                double numeric = (plus - minus) / (2 * H);
                double exact = analytic.gradients().get(name).get(index);
                assertThat(exact).as("d loss / d %s[%d]", name, index)
                        .isCloseTo(numeric, within(1e-4 * Math.max(1e-2, Math.abs(numeric))));
            }
            assertThat(analytic.gradients()).containsKey("prototypes.weight").doesNotContainKey("fc.weight");
        }
    }

    @Test
    void lossAndGradientsLeavesWeightsAndRunningStatisticsAlone() {
        var settings = TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 3);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT32, 3)) {
            MultiCropBatch batch = TinyNets.batch(3, 4);
            model.lossAndGradients(batch, new StepPlan(0, 0.1, false, false));
            var before = model.weights();
            model.lossAndGradients(batch, new StepPlan(0, 0.1, false, false));
            var after = model.weights();
            for (String k : before.keySet()) {
                assertThat(after.get(k)).as(k).isEqualTo(before.get(k));
            }
        }
    }

    private static void nudge(DjlSwavModel model, String name, int index, double delta) {
        PtNDArray p = model.parameter(name);
        double[] d = new double[Math.toIntExact(p.size())];
        d[index] = delta;
        Grad.withoutGradient(() -> {
            try (NDArray step = p.getManager().create(d, new Shape(p.getShape().getShape()))) {
                p.addi(step);
            }
        });
    }
}
