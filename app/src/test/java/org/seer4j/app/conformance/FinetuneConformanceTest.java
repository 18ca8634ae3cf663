package org.seer4j.app.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.model.InitialWeights;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.ClassifierModel;
import org.seer4j.core.port.ClassifierSettings;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorReader;
import org.seer4j.djl.DjlEngine;
import org.seer4j.tensorflow.TensorFlowEngine;

/**
 * The fine-tuning step through the same port in both engines, from the same weights on the same batch: the same
 * cross-entropy, the same gradients, and the same weights, BN running statistics and momentum after two SGD steps
 * (the second one with momentum and decay at work).
 */
class FinetuneConformanceTest {
    private static final RegNetPlan PLAN = RegNetGenerator.plan(
            new RegNetSpec(3, 16, 8.0, 2.0, 8, 1.0, 0.25, 8, Rounding.PYCLS));
    private static final ModelDefinition DEF = ModelDefinition.trunkOnly(PLAN, 2, 7);
    private static final ClassifierSettings SETTINGS = new ClassifierSettings("cpu", 1, 0.9, 1e-3);
    private static final int[] LABELS = {6, 0, 2, 2, 5};

    private static Tensor images(long seed) {
        Random r = new Random(seed);
        float[] v = new float[LABELS.length * 3 * 20 * 20];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, LABELS.length, 3, 20, 20);
    }

    private static ClassifierModel open(boolean tensorflow) {
        TensorReader weights = InitialWeights.reader(DEF, 11);
        return tensorflow ? new TensorFlowEngine().openClassifier(DEF, SETTINGS, weights)
                : new DjlEngine().openClassifier(DEF, SETTINGS, weights);
    }

    @Test
    void lossGradientsAndTwoStepsAgreeBetweenEngines() {
        try (ClassifierModel djl = open(false); ClassifierModel tf = open(true)) {
            Tensor x = images(1);
            LossAndGradients a = djl.lossAndGradients(x, LABELS);
            LossAndGradients b = tf.lossAndGradients(x, LABELS);
            assertThat(b.loss()).isCloseTo(a.loss(), within(1e-5 * Math.abs(a.loss())));
            assertThat(b.gradients().keySet()).isEqualTo(a.gradients().keySet());
            a.gradients().forEach((name, g) -> close(name, b.gradients().get(name), g, 1e-3));
            double l1 = djl.step(x, LABELS, 0.05, 0.5);
            double l2 = tf.step(x, LABELS, 0.05, 0.5);
            assertThat(l2).isCloseTo(l1, within(1e-5 * Math.abs(l1)));
            Tensor y = images(2);
            assertThat(tf.step(y, LABELS, 0.04, 0.4)).isCloseTo(djl.step(y, LABELS, 0.04, 0.4), within(1e-4));
            Map<String, Tensor> wa = djl.weights();
            Map<String, Tensor> wb = tf.weights();
            assertThat(wb.keySet()).isEqualTo(wa.keySet());
            wa.forEach((name, w) -> close(name, wb.get(name), w, 1e-4));
            Map<String, Tensor> ma = djl.trainingStateReader().toMap();
            Map<String, Tensor> mb = tf.trainingStateReader().toMap();
            assertThat(mb.keySet()).isEqualTo(ma.keySet()).contains("momentum.fc.weight");
            ma.forEach((name, m) -> close(name, mb.get(name), m, 1e-3));
        }
    }

    /** Element-wise within {@code rel} of the tensor's largest magnitude (float32 sums in different orders). */
    private static void close(String name, Tensor actual, Tensor expected, double rel) {
        assertThat(actual.shape()).as(name).containsExactly(expected.shape());
        double scale = 0;
        for (int i = 0; i < expected.size(); i++) scale = Math.max(scale, Math.abs(expected.get(i)));
        for (int i = 0; i < expected.size(); i++) {
            assertThat((double) actual.get(i)).as("%s[%d]", name, i)
                    .isCloseTo(expected.get(i), within(rel * Math.max(scale, 1e-6)));
        }
    }
}
