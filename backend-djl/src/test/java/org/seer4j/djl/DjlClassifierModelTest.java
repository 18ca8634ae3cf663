package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.ClassifierSettings;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorReader;

/**
 * The fine-tuning model on DJL: cross-entropy gradients of every kind of tensor against central finite differences
 * in double precision, the first SGD step against its formula with the trunk's and the classifier's rates, and BN
 * running statistics that move in a step but not in a gradient evaluation.
 */
class DjlClassifierModelTest {
    private static final double H = 1e-6;
    private static final ModelDefinition DEF = ModelDefinition.trunkOnly(TinyNets.plan(true), 1, 5);
    private static final int[] LABELS = {0, 3, 4, 3, 1, 2};

    private static DjlClassifierModel open(DataType type, double momentum, double weightDecay) {
        return new DjlEngine().openClassifier(DEF, new ClassifierSettings("cpu", 1, momentum, weightDecay),
                TensorReader.of(TinyNets.randomWeights(DEF, 31)), type);
    }

    private static Tensor images() {
        return TinyNets.images(new Random(32), LABELS.length, 12);
    }

    @Test
    void crossEntropyGradientsMatchCentralFiniteDifferences() {
        try (DjlClassifierModel model = open(DataType.FLOAT64, 0.9, 0)) {
            Tensor x = images();
            LossAndGradients analytic = model.lossAndGradients(x, LABELS);
            assertThat(analytic.gradients()).containsKeys("fc.weight", "fc.bias", "stem.0.weight")
                    .doesNotContainKey("stem.1.running_mean");
            String[][] probes = {
                {"fc.weight", "7"}, {"fc.weight", "50"}, {"fc.bias", "3"},
                {"stem.0.weight", "5"}, {"stem.1.weight", "3"},
                {"trunk_output.block1.block1-0.proj.0.weight", "17"},
                {"trunk_output.block1.block1-0.f.se.fc2.bias", "1"},
                {"trunk_output.block2.block2-1.f.c.1.bias", "2"},
            };
            for (String[] probe : probes) {
                String name = probe[0];
                int index = Integer.parseInt(probe[1]);
                nudge(model, name, index, H);
                double plus = model.lossAndGradients(x, LABELS).loss();
                nudge(model, name, index, -2 * H);
                double minus = model.lossAndGradients(x, LABELS).loss();
                nudge(model, name, index, H);
                double numeric = (plus - minus) / (2 * H);
                assertThat((double) analytic.gradients().get(name).get(index)).as("d loss / d %s[%d]", name, index)
                        .isCloseTo(numeric, within(1e-5 * Math.max(1e-2, Math.abs(numeric))));
            }
        }
    }

    /** The classifier's bias gradient is the batch mean of softmax(z) - onehot(y): its entries sum to zero. */
    @Test
    void biasGradientSumsToZeroAndTheLossIsACrossEntropy() {
        try (DjlClassifierModel model = open(DataType.FLOAT64, 0.9, 0)) {
            LossAndGradients g = model.lossAndGradients(images(), LABELS);
            Tensor bias = g.gradients().get("fc.bias");
            double sum = 0;
            for (int k = 0; k < 5; k++) sum += bias.get(k);
            assertThat(sum).isCloseTo(0, within(1e-7));
            // -log of a probability: positive; and bias gradient of a class no image has is its mean probability
            assertThat(g.loss()).isPositive();
            assertThat((double) bias.get(1)).isGreaterThan(-1.0 / LABELS.length);
        }
    }

    @Test
    void firstStepIsSgdWithTheTrunkAndClassifierRatesAndDecay() {
        double wd = 1e-3;
        try (DjlClassifierModel model = open(DataType.FLOAT64, 0.9, wd)) {
            Tensor x = images();
            Map<String, Tensor> before = model.weights();
            Map<String, Tensor> grads = model.lossAndGradients(x, LABELS).gradients();
            model.step(x, LABELS, 0.05, 0.7);
            Map<String, Tensor> after = model.weights();
            for (String name : new String[] {"fc.weight", "fc.bias", "stem.0.weight", "trunk_output.block2.block2-1.f.b.0.weight"}) {
                double lr = name.startsWith("fc.") ? 0.7 : 0.05;
                for (int i = 0; i < before.get(name).size(); i += 7) {
                    double w = before.get(name).get(i);
                    double expected = w - lr * (grads.get(name).get(i) + wd * w);
                    assertThat((double) after.get(name).get(i)).as("%s[%d]", name, i)
                            .isCloseTo(expected, within(1e-6 * Math.max(1, Math.abs(expected))));
                }
            }
        }
    }

    @Test
    void runningStatisticsMoveInAStepButNotInAGradientEvaluation() {
        try (DjlClassifierModel model = open(DataType.FLOAT32, 0.9, 0)) {
            Tensor x = images();
            Tensor mean0 = model.weights().get("stem.1.running_mean");
            model.lossAndGradients(x, LABELS);
            assertThat(model.weights().get("stem.1.running_mean")).isEqualTo(mean0);
            model.step(x, LABELS, 0.01, 0.1);
            assertThat(model.weights().get("stem.1.running_mean")).isNotEqualTo(mean0);
            assertThat(model.trainingStateReader().tensors()).anyMatch(t -> t.name().equals("momentum.fc.weight"));
        }
    }

    private static void nudge(DjlClassifierModel model, String name, int index, double delta) {
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
