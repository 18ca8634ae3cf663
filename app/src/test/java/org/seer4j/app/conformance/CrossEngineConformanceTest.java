package org.seer4j.app.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.model.HeadSpec;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;
import org.seer4j.djl.DjlEngine;
import org.seer4j.tensorflow.TensorFlowEngine;

/**
 * DJL/PyTorch and TensorFlow, driven through the same port with the same weights and batch, agree: initial
 * weights, exchanged weights, features, loss, gradients and the weights after an SGD or LARS step.
 */
class CrossEngineConformanceTest {
    private static final RegNetPlan PLAN = RegNetGenerator.plan(
            new RegNetSpec(3, 16, 8.0, 2.0, 8, 1.0, 0.25, 8, Rounding.PYCLS));
    private static final ModelDefinition DEF = new ModelDefinition(PLAN, 2,
            new HeadSpec(PLAN.outWidth(), List.of(16, 8), true), 12, 0);
    private static final ViewsConfig VIEWS = new ViewsConfig(
            List.of(new CropGroup(2, 24, 0.14, 1.0), new CropGroup(2, 12, 0.05, 0.14)), List.of(0, 1),
            Augmentation.defaults());

    private static EngineSettings settings(OptimConfig optim) {
        return settings(optim, 0);
    }

    private static EngineSettings settings(OptimConfig optim, int queueLength) {
        return new EngineSettings("cpu", 1, 42, new SwavConfig(12, 0.1, 0.05, 3, queueLength, 0, 0), optim, VIEWS, 3,
                Collective.SINGLE);
    }

    private static OptimConfig optim(String name) {
        return new OptimConfig(name, 0.9, 1e-4, 0.2, 3, 0.0, 0.001, 0, 0.02, false, true);
    }

    private static MultiCropBatch batch() {
        return batch(0);
    }

    private static MultiCropBatch batch(long seed) {
        Random r = new Random(5 + seed);
        return new MultiCropBatch(List.of(images(r, 6, 24), images(r, 6, 12)), 3);
    }

    private static Tensor images(Random r, int n, int size) {
        float[] v = new float[n * 3 * size * size];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, n, 3, size, size);
    }

    @Test
    void bothEnginesStartFromTheSameSeededWeights() {
        try (SwavModel djl = new DjlEngine().open(DEF, settings(optim("sgd")));
             SwavModel tf = new TensorFlowEngine().open(DEF, settings(optim("sgd")))) {
            assertThat(tf.weights()).isEqualTo(djl.weights());
        }
    }

    @Test
    void weightsWrittenByEitherEngineLoadIntoTheOtherExactly() {
        MultiCropBatch batch = batch();
        try (SwavModel djl = new DjlEngine().open(DEF, settings(optim("sgd")));
             SwavModel tf = new TensorFlowEngine().open(DEF, settings(optim("sgd")))) {
            djl.step(batch, new StepPlan(0, 0.2, false, false));
            tf.loadWeights(djl.weights());
            assertThat(tf.weights()).isEqualTo(djl.weights());
            tf.step(batch, new StepPlan(1, 0.2, false, false));
            djl.loadWeights(tf.weights());
            assertThat(djl.weights()).isEqualTo(tf.weights());
        }
    }

    @Test
    void theSameWeightsAndBatchGiveTheSameFeaturesLossAndGradients() {
        MultiCropBatch batch = batch();
        StepPlan plan = new StepPlan(0, 0.2, false, false);
        try (SwavModel djl = new DjlEngine().open(DEF, settings(optim("sgd")));
             SwavModel tf = new TensorFlowEngine().open(DEF, settings(optim("sgd")))) {
            djl.step(batch, plan); // non-trivial BN statistics and weights for what follows
            tf.loadWeights(djl.weights());
            Tensor images = images(new Random(8), 2, 20);
            assertClose(tf.infer(images).pooled(), djl.infer(images).pooled(), 1e-4, 1e-3, "pooled");
            LossAndGradients a = djl.lossAndGradients(batch, plan);
            LossAndGradients b = tf.lossAndGradients(batch, plan);
            assertThat(b.loss()).isCloseTo(a.loss(), within(1e-4 * Math.abs(a.loss())));
            assertThat(b.gradients().keySet()).isEqualTo(a.gradients().keySet());
            // gradients that vanish mathematically (biases just before a BN) are rounding noise in both engines
            double largest = a.gradients().values().stream().mapToDouble(CrossEngineConformanceTest::largest).max()
                    .orElseThrow();
            a.gradients().forEach((name, g) -> {
                if (name.equals("head.0.bias")) {
                    // exactly zero in exact arithmetic (the head's first BN follows): each engine's value must be
                    // noise, small against the model's gradients (seen: up to 7e-5 of the largest)
                    assertClose(g, Tensor.of(new float[g.size()], g.shape()), 1, 2e-4 * largest, "djl " + name);
                    assertClose(b.gradients().get(name), Tensor.of(new float[g.size()], g.shape()), 1,
                            2e-4 * largest, "tensorflow " + name);
                } else {
                    assertClose(b.gradients().get(name), g, 1e-4, 1e-4 * largest, name);
                }
            });
        }
    }

    @Test
    void oneSgdStepAndOneLarsStepLeaveTheSameWeightsInBothEngines() {
        for (String name : List.of("sgd", "lars")) {
            MultiCropBatch batch = batch();
            try (SwavModel djl = new DjlEngine().open(DEF, settings(optim(name)));
                 SwavModel tf = new TensorFlowEngine().open(DEF, settings(optim(name)))) {
                StepPlan plan = new StepPlan(0, 0.2, false, false);
                double lossDjl = djl.step(batch, plan).loss();
                double lossTf = tf.step(batch, plan).loss();
                assertThat(lossTf).isCloseTo(lossDjl, within(1e-4 * Math.abs(lossDjl)));
                Map<String, Tensor> expected = djl.weights();
                tf.weights().forEach((n, w) -> assertClose(w, expected.get(n), 1e-5, 1.0, name + " " + n));
            }
        }
    }

    private static double largest(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) m = Math.max(m, Math.abs(t.get(i)));
        return m;
    }

    @Test
    void bothEnginesFillTheQueueAlikeAndTrainAlikeOnceItJoinsSinkhorn() {
        try (SwavModel djl = new DjlEngine().open(DEF, settings(optim("sgd"), 6));
             SwavModel tf = new TensorFlowEngine().open(DEF, settings(optim("sgd"), 6))) {
            for (int it = 0; it < 3; it++) { // 3 images per step: the queue of 6 is full after two steps
                MultiCropBatch b = batch(it);
                StepPlan plan = new StepPlan(it, 0.2, false, it == 2);
                double lossDjl = djl.step(b, plan).loss();
                assertThat(tf.step(b, plan).loss()).as("loss of step %d", it)
                        .isCloseTo(lossDjl, within(1e-4 * Math.abs(lossDjl)));
            }
            Map<String, Tensor> queues = djl.trainingState();
            tf.trainingState().forEach((n, t) -> assertClose(t, queues.get(n), 1e-4, 1.0, n));
            // three steps of float32 rounding apart: 1e-4 of the tensor's scale (one step is held to 1e-5 above)
            Map<String, Tensor> expected = djl.weights();
            tf.weights().forEach((n, w) -> assertClose(w, expected.get(n), 1e-4, 1.0, n));
        }
    }

    @Test
    void aRunResumesInTheOtherEngineFromWeightsAndMomentum() {
        MultiCropBatch batch = batch();
        try (SwavModel djl = new DjlEngine().open(DEF, settings(optim("lars")));
             SwavModel tf = new TensorFlowEngine().open(DEF, settings(optim("lars")))) {
            djl.step(batch, new StepPlan(0, 0.2, false, false));
            tf.loadWeights(djl.weights());
            tf.loadTrainingState(djl.trainingState());
            StepPlan next = new StepPlan(1, 0.1, false, false);
            djl.step(batch, next);
            tf.step(batch, next);
            Map<String, Tensor> expected = djl.weights();
            tf.weights().forEach((n, w) -> assertClose(w, expected.get(n), 1e-5, 1.0, n));
            Map<String, Tensor> momentum = djl.trainingState();
            tf.trainingState().forEach((n, m) -> assertClose(m, momentum.get(n), 1e-4, 1e-3, n));
        }
    }

    /** Element-wise within {@code rel} of the larger of the tensor's largest magnitude and {@code floor}. */
    private static void assertClose(Tensor actual, Tensor expected, double rel, double floor, String what) {
        assertThat(actual.shape()).as(what).isEqualTo(expected.shape());
        double tol = rel * Math.max(largest(expected), floor);
        for (int i = 0; i < expected.size(); i++) {
            assertThat((double) actual.get(i)).as("%s[%d]", what, i).isCloseTo(expected.get(i), within(tol));
        }
    }
}
