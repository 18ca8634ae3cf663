package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.ClassifierModel;
import org.seer4j.core.port.ClassifierSettings;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorReader;

/**
 * The fine-tuning model on TensorFlow: cross-entropy gradients against central finite differences (float32, so a
 * wide step and a loose tolerance; the cross-engine conformance test holds it to the double-precision-checked DJL
 * model), the first SGD step against its formula, and BN running statistics that move only in a step.
 */
class TfClassifierModelTest {
    private static final ModelDefinition DEF = ModelDefinition.trunkOnly(TinyNets.plan(true), 1, 5);
    private static final int[] LABELS = {0, 3, 4, 3, 1, 2};
    private static final double H = 2e-3;

    private static TfClassifierModel open(Map<String, Tensor> weights, double weightDecay) {
        return (TfClassifierModel) new TensorFlowEngine(GroupedConv.NATIVE).openClassifier(DEF,
                new ClassifierSettings("cpu", 1, 0.9, weightDecay), TensorReader.of(weights));
    }

    private static Tensor images() {
        return TinyNets.images(new Random(32), LABELS.length, 12);
    }

    @Test
    void crossEntropyGradientsMatchCentralFiniteDifferences() {
        Map<String, Tensor> w = TinyNets.randomWeights(DEF, 31);
        Tensor x = images();
        try (TfClassifierModel model = open(w, 0)) {
            LossAndGradients analytic = model.lossAndGradients(x, LABELS);
            assertThat(analytic.gradients()).containsKeys("fc.weight", "fc.bias", "stem.0.weight")
                    .doesNotContainKey("stem.1.running_var");
            String[][] probes = {{"fc.weight", "7"}, {"fc.bias", "3"}, {"stem.1.bias", "2"},
                {"trunk_output.block2.block2-1.f.c.1.weight", "5"}};
            for (String[] probe : probes) {
                String name = probe[0];
                int index = Integer.parseInt(probe[1]);
                double plus = lossWith(model, w, name, index, H, x);
                double minus = lossWith(model, w, name, index, -H, x);
                model.loadWeights(Map.of(name, w.get(name)));
                double numeric = (plus - minus) / (2 * H);
                assertThat((double) analytic.gradients().get(name).get(index)).as("d loss / d %s[%d]", name, index)
                        .isCloseTo(numeric, within(1e-2 * Math.abs(numeric) + 5e-4));
            }
        }
    }

    private static double lossWith(TfClassifierModel model, Map<String, Tensor> w, String name, int index,
                                   double delta, Tensor x) {
        float[] v = w.get(name).toArray();
        v[index] += (float) delta;
        model.loadWeights(Map.of(name, Tensor.of(v, w.get(name).shape())));
        return model.lossAndGradients(x, LABELS).loss();
    }

    @Test
    void firstStepIsSgdWithTheTrunkAndClassifierRatesAndDecay() {
        double wd = 1e-3;
        try (ClassifierModel model = open(TinyNets.randomWeights(DEF, 31), wd)) {
            Tensor x = images();
            Map<String, Tensor> before = model.weights();
            Map<String, Tensor> grads = model.lossAndGradients(x, LABELS).gradients();
            model.step(x, LABELS, 0.05, 0.7);
            Map<String, Tensor> after = model.weights();
            for (String name : new String[] {"fc.weight", "fc.bias", "stem.0.weight"}) {
                double lr = name.startsWith("fc.") ? 0.7 : 0.05;
                for (int i = 0; i < before.get(name).size(); i += 7) {
                    double w0 = before.get(name).get(i);
                    double expected = w0 - lr * (grads.get(name).get(i) + wd * w0);
                    assertThat((double) after.get(name).get(i)).as("%s[%d]", name, i)
                            .isCloseTo(expected, within(1e-5 * Math.max(1, Math.abs(expected))));
                }
            }
        }
    }

    @Test
    void runningStatisticsMoveInAStepButNotInAGradientEvaluation() {
        try (ClassifierModel model = open(TinyNets.randomWeights(DEF, 31), 0)) {
            Tensor x = images();
            Tensor mean0 = model.weights().get("stem.1.running_mean");
            model.lossAndGradients(x, LABELS);
            assertThat(model.weights().get("stem.1.running_mean")).isEqualTo(mean0);
            model.step(x, LABELS, 0.01, 0.1);
            assertThat(model.weights().get("stem.1.running_mean")).isNotEqualTo(mean0);
        }
    }
}
