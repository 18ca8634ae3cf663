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
            for (Map.Entry<String, Tensor> e : a.gradients().entrySet()) {
                assertClose(b.gradients().get(e.getKey()), e.getValue(), 1e-4, e.getKey());
            }
            split.step(batch, plan);
            fused.step(batch, plan);
            Map<String, Tensor> ws = split.weights();
            fused.weights().forEach((name, t) -> assertClose(t, ws.get(name), 1e-5, name));
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
