package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.tensor.Tensor;

/** The build's surefire runs with TF_ENABLE_ONEDNN_OPTS=1, so both grouped-convolution paths are available. */
class GroupedConvTest {
    private static final ModelDefinition DEF = TinyNets.swav(true, true, 10);
    private static final EngineSettings SETTINGS = TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10, 0), 2);

    @Test
    void theProbeFindsTheNativeGroupedFilterGradientWhenOneDnnIsOn() {
        assertThat(TensorFlowEngine.probeNativeGroupedGradient()).isTrue();
        assertThat(new TensorFlowEngine(GroupedConv.AUTO).resolvedGroupedConv()).isEqualTo(GroupedConv.NATIVE);
    }

    @Test
    void splitAndNativeGroupedConvolutionGiveTheSameFeaturesLossAndGradients() {
        MultiCropBatch batch = TinyNets.batch(2, 31);
        StepPlan plan = new StepPlan(0, 0.1, false, false);
        Tensor images = TinyNets.images(new Random(3), 2, 16);
        try (TfSwavModel split = TinyNets.open(DEF, SETTINGS, GroupedConv.SPLIT, 21);
             TfSwavModel fused = TinyNets.open(DEF, SETTINGS, GroupedConv.NATIVE, 21)) {
            assertClose(fused.infer(images).pooled(), split.infer(images).pooled(), 1e-5, "pooled");
            LossAndGradients a = split.lossAndGradients(batch, plan);
            LossAndGradients b = fused.lossAndGradients(batch, plan);
            assertThat(b.loss()).isCloseTo(a.loss(), within(1e-5));
            assertThat(b.gradients().keySet()).isEqualTo(a.gradients().keySet());
            double largest = 0;
            for (Tensor g : a.gradients().values()) for (int i = 0; i < g.size(); i++) largest = Math.max(largest, Math.abs(g.get(i)));
            for (Map.Entry<String, Tensor> e : a.gradients().entrySet()) {
                if (e.getKey().equals("head.0.bias")) {
                    // a bias right before training-mode BN: its gradient is exactly zero, so both paths return
                    // float32 rounding noise, which must be small against the model's gradients
                    assertNoise(e.getValue(), largest, "split " + e.getKey());
                    assertNoise(b.gradients().get(e.getKey()), largest, "native " + e.getKey());
                    continue;
                }
                assertClose(b.gradients().get(e.getKey()), e.getValue(), 1e-4, e.getKey());
            }
            split.step(batch, plan);
            fused.step(batch, plan);
            Map<String, Tensor> ws = split.weights();
            fused.weights().forEach((name, t) -> assertClose(t, ws.get(name), 1e-5, name));
        }
    }

    private static void assertNoise(Tensor g, double largestGradient, String what) {
        for (int i = 0; i < g.size(); i++) {
            assertThat(Math.abs((double) g.get(i))).as("%s[%d]", what, i).isLessThan(1e-5 * largestGradient);
        }
    }

    /**
     * Within {@code rel} of the larger magnitude in the tensor (gradients span several orders of magnitude), the
     * magnitude taken as at least 1e-2 (1e-6 absolute for gradients): a bias right before batch norm (head.0.bias)
     * has an exactly zero gradient, so both paths return float32 rounding noise of about 1e-8 there, which no
     * relative bound can match.
     */
    private static void assertClose(Tensor actual, Tensor expected, double rel, String what) {
        assertThat(actual.shape()).as(what).isEqualTo(expected.shape());
        double scale = 1e-2;
        for (int i = 0; i < expected.size(); i++) scale = Math.max(scale, Math.abs(expected.get(i)));
        for (int i = 0; i < expected.size(); i++) {
            assertThat((double) actual.get(i)).as("%s[%d]", what, i).isCloseTo(expected.get(i), within(rel * scale));
        }
    }
}
