package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.model.HeadSpec;
import org.seer4j.core.model.InitialWeights;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.model.ParameterLayout;
import org.seer4j.core.model.ParameterSpec;
import org.seer4j.core.optim.ParameterUpdate;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.tensor.Tensor;

class TfSwavModelTest {
    private static final ModelDefinition DEF = TinyNets.swav(true, true, 10);

    private static EngineSettings settings(OptimConfig optim) {
        return TinyNets.settings(optim, TinyNets.swavConfig(10, 0), 2);
    }

    private static void assertAllClose(Tensor actual, float[] expected, double tol, String what) {
        assertThat(actual.size()).as(what).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual.get(i)).as("%s[%d]", what, i).isCloseTo(expected[i], within(tol));
        }
    }

    @Test
    void inferenceEqualsAPlainJavaRegNetForward() {
        ModelDefinition def = new ModelDefinition(TinyNets.plan(true), 2, null, 0, 0);
        Map<String, Tensor> w = TinyNets.randomWeights(def, 11);
        Tensor images = TinyNets.images(new Random(5), 3, 13); // odd size: exercises torch's stride-2 padding
        try (TfSwavModel m = new TensorFlowEngine(GroupedConv.SPLIT).open(def, settings(TinyNets.sgd(0.1)), w)) {
            Tensor pooled = m.infer(images).pooled();
            double[][] expected = new ReferenceRegNet(def, w).pooled(images);
            assertThat(pooled.shape()).containsExactly(3, 24);
            for (int b = 0; b < 3; b++) {
                for (int c = 0; c < 24; c++) {
                    assertThat((double) pooled.get(b * 24 + c)).isCloseTo(expected[b][c], within(1e-4));
                }
            }
        }
    }

    /**
     * With two threads the pretraining session runs each op on one thread, so inference splits the batch and runs
     * the parts side by side: the features must still be the plain Java forward's, image for image, and the logits
     * those of each image run alone (to rounding).
     */
    @Test
    void inferenceSplitOverTwoThreadsEqualsThePlainForwardImageForImage() {
        ModelDefinition def = new ModelDefinition(TinyNets.plan(true), 2, null, 0, 3);
        Map<String, Tensor> w = TinyNets.randomWeights(def, 12);
        Tensor images = TinyNets.images(new Random(6), 5, 13);
        EngineSettings two = new EngineSettings("cpu", 2, 7, TinyNets.swavConfig(10, 0), TinyNets.sgd(0.1),
                TinyNets.views(), 2, org.seer4j.core.port.Collective.SINGLE);
        try (TfSwavModel m = new TensorFlowEngine(GroupedConv.SPLIT).open(def, two, w)) {
            var features = m.infer(images);
            double[][] expected = new ReferenceRegNet(def, w).pooled(images);
            assertThat(features.pooled().shape()).containsExactly(5, 24);
            assertThat(features.logits().shape()).containsExactly(5, 3);
            List<Tensor> one = Batches.split(images, 5);
            for (int b = 0; b < 5; b++) {
                for (int c = 0; c < 24; c++) {
                    assertThat((double) features.pooled().get(b * 24 + c)).isCloseTo(expected[b][c], within(1e-4));
                }
                Tensor alone = m.infer(one.get(b)).logits();
                for (int k = 0; k < 3; k++) {
                    // to rounding: the product kernels sum in an order that depends on the batch's size
                    assertThat((double) features.logits().get(b * 3 + k)).isCloseTo(alone.get(k), within(1e-5));
                }
            }
        }
    }

    @Test
    void batchesSplitIntoNearlyEqualSlicesAndJoinBack() {
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 5, 2);
        List<Tensor> parts = Batches.split(t, 2);
        assertThat(parts.get(0).shape()).containsExactly(3, 2);
        assertThat(parts.get(1).toArray()).containsExactly(6, 7, 8, 9);
        assertThat(Batches.concat(parts)).isEqualTo(t);
        assertThatThrownBy(() -> Batches.split(t, 6)).hasMessageContaining("batch of 5 into 6");
    }

    @Test
    void openingStartsFromTheCoresSeededInitialWeightsUnderTorchvisionNames() {
        EngineSettings s = settings(TinyNets.sgd(0.1));
        try (SwavModel m = new TensorFlowEngine().open(DEF, s)) {
            Map<String, Tensor> weights = m.weights();
            Map<String, Tensor> expected = InitialWeights.generate(DEF, s.seed());
            assertThat(weights.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach((name, t) -> assertThat(weights.get(name)).as(name).isEqualTo(t));
            assertThat(weights).containsKeys("stem.0.weight", "trunk_output.block1.block1-0.proj.1.running_var",
                    "trunk_output.block2.block2-0.f.se.fc1.bias", "head.1.running_mean", "head.3.weight",
                    "prototypes.weight");
        }
    }

    @Test
    void weightsSavedAndLoadedIntoAFreshModelAreBitForBitTheSame() {
        EngineSettings s = settings(TinyNets.sgd(0.1));
        MultiCropBatch batch = TinyNets.batch(2, 3);
        Tensor images = TinyNets.images(new Random(9), 2, 16);
        try (TfSwavModel a = TinyNets.open(DEF, s, GroupedConv.SPLIT, 1);
             TfSwavModel b = TinyNets.open(DEF, s, GroupedConv.SPLIT, 2)) {
            a.step(batch, new StepPlan(0, 0.1, false, false));
            Map<String, Tensor> saved = a.weights();
            b.loadWeights(saved);
            assertThat(b.weights()).isEqualTo(saved);
            assertThat(b.infer(images).pooled()).isEqualTo(a.infer(images).pooled());
        }
    }

    @Test
    void loadingRefusesUnknownNamesAndWrongShapesAndChangesNothing() {
        try (TfSwavModel m = TinyNets.open(DEF, settings(TinyNets.sgd(0.1)), GroupedConv.SPLIT, 1)) {
            Map<String, Tensor> before = m.weights();
            Map<String, Tensor> unknown = Map.of("stem.0.weight", Tensor.zeros(8, 3, 3, 3), "fc.weight",
                    Tensor.zeros(2, 24));
            assertThatThrownBy(() -> m.loadWeights(unknown)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fc.weight");
            Map<String, Tensor> wrong = Map.of("stem.0.weight", Tensor.zeros(8, 3, 1, 1));
            assertThatThrownBy(() -> m.loadWeights(wrong)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("stem.0.weight").hasMessageContaining("[8, 3, 3, 3]");
            assertThat(m.weights()).isEqualTo(before);
        }
    }

    /** Two steps, so the second also checks that the momentum buffer carries over. */
    private static void assertStepsFollowTheCoresParameterUpdate(OptimConfig optim) {
        MultiCropBatch batch = TinyNets.batch(2, 4);
        Map<String, ParameterSpec> specs = new HashMap<>();
        ParameterLayout.of(DEF).forEach(p -> specs.put(p.name(), p));
        Map<String, float[]> momentum = new HashMap<>();
        try (TfSwavModel m = TinyNets.open(DEF, settings(optim), GroupedConv.SPLIT, 5)) {
            for (int it = 0; it < 2; it++) {
                StepPlan plan = new StepPlan(it, 0.05 * (it + 1), false, false);
                LossAndGradients g = m.lossAndGradients(batch, plan);
                Map<String, Tensor> before = m.weights();
                m.step(batch, plan);
                Map<String, Tensor> after = m.weights();
                assertThat(g.gradients().keySet()).hasSize((int) specs.values().stream()
                        .filter(ParameterSpec::trainable).count());
                for (Map.Entry<String, Tensor> e : g.gradients().entrySet()) {
                    String name = e.getKey();
                    float[] w = before.get(name).toArray();
                    if (name.equals("prototypes.weight")) normaliseRows(w, DEF.head().outWidth());
                    float[] buf = momentum.computeIfAbsent(name, n -> new float[w.length]);
                    ParameterUpdate.apply(name, w, e.getValue().toArray(), buf, optim, plan.lr(),
                            specs.get(name).isBiasOrNorm());
                    if (name.equals("prototypes.weight")) normaliseRows(w, DEF.head().outWidth()); // stored unit rows
                    assertAllClose(after.get(name), w, 2e-5, optim.name() + " step " + it + " " + name);
                }
            }
            Map<String, Tensor> state = m.trainingState();
            momentum.forEach((name, buf) -> assertAllClose(state.get("momentum." + name), buf, 2e-5, name));
        }
    }

    private static void normaliseRows(float[] w, int width) {
        for (int r = 0; r < w.length / width; r++) {
            double s = 0;
            for (int j = 0; j < width; j++) s += (double) w[r * width + j] * w[r * width + j];
            double n = Math.max(Math.sqrt(s), 1e-12);
            for (int j = 0; j < width; j++) w[r * width + j] = (float) (w[r * width + j] / n);
        }
    }

    @Test
    void sgdStepsUpdateEveryTrainableTensorAsTheCoresParameterUpdate() {
        assertStepsFollowTheCoresParameterUpdate(TinyNets.sgd(0.1));
    }

    @Test
    void larsStepsUpdateEveryTrainableTensorAsTheCoresParameterUpdate() {
        assertStepsFollowTheCoresParameterUpdate(TinyNets.lars(0.1, false));
        assertStepsFollowTheCoresParameterUpdate(TinyNets.lars(0.1, true));
    }

    @Test
    void frozenPrototypesAreOnlyRenormalisedAndKeepAZeroMomentum() {
        try (TfSwavModel m = TinyNets.open(DEF, settings(TinyNets.sgd(0.1)), GroupedConv.SPLIT, 6)) {
            float[] expected = m.weights().get("prototypes.weight").toArray();
            normaliseRows(expected, DEF.head().outWidth());
            Tensor trunkBefore = m.weights().get("stem.0.weight");
            m.step(TinyNets.batch(2, 5), new StepPlan(0, 0.1, true, false));
            assertAllClose(m.weights().get("prototypes.weight"), expected, 1e-6, "prototypes");
            assertThat(m.trainingState().get("momentum.prototypes.weight").toArray()).containsOnly(0f);
            assertThat(m.weights().get("stem.0.weight")).isNotEqualTo(trunkBefore);
        }
    }

    @Test
    void batchNormRunningStatisticsFoldEveryCropGroupWithTorchMomentumAndUnbiasedVariance() {
        MultiCropBatch batch = TinyNets.batch(2, 6);
        try (TfSwavModel m = TinyNets.open(DEF, settings(TinyNets.sgd(0.1)), GroupedConv.SPLIT, 7)) {
            Map<String, Tensor> w = m.weights();
            float[] mean = w.get("stem.1.running_mean").toArray();
            float[] var = w.get("stem.1.running_var").toArray();
            ReferenceRegNet ref = new ReferenceRegNet(DEF, w);
            for (Tensor group : batch.groups()) { // groups pass the trunk one after the other
                ReferenceRegNet.Act a = ref.stemConv(group);
                int hw = a.h() * a.w();
                int n = a.n() * hw;
                for (int c = 0; c < a.c(); c++) {
                    double s = 0, ss = 0;
                    for (int b = 0; b < a.n(); b++) {
                        for (int i = 0; i < hw; i++) s += a.v()[(b * a.c() + c) * hw + i];
                    }
                    double mu = s / n;
                    for (int b = 0; b < a.n(); b++) {
                        for (int i = 0; i < hw; i++) {
                            double d = a.v()[(b * a.c() + c) * hw + i] - mu;
                            ss += d * d;
                        }
                    }
                    mean[c] = (float) (0.9 * mean[c] + 0.1 * mu);
                    var[c] = (float) (0.9 * var[c] + 0.1 * ss / (n - 1));
                }
            }
            m.step(batch, new StepPlan(0, 0.1, false, false));
            assertAllClose(m.weights().get("stem.1.running_mean"), mean, 1e-5, "running_mean");
            assertAllClose(m.weights().get("stem.1.running_var"), var, 1e-4, "running_var");
        }
    }

    @Test
    void lossFallsWhenTrainingOnAFixedBatch() {
        MultiCropBatch batch = TinyNets.batch(4, 8);
        EngineSettings s = TinyNets.settings(TinyNets.sgd(0.5), TinyNets.swavConfig(10, 0), 4);
        try (TfSwavModel m = TinyNets.open(DEF, s, GroupedConv.SPLIT, 8)) {
            double first = m.step(batch, new StepPlan(0, 0.5, false, false)).loss();
            double last = first;
            for (int it = 1; it < 20; it++) last = m.step(batch, new StepPlan(it, 0.5, false, false)).loss();
            assertThat(last).isLessThan(first * 0.9);
        }
    }

    @Test
    void theGraphStopsGrowingOnceEveryCropShapeWasSeen() {
        MultiCropBatch batch = TinyNets.batch(2, 9);
        try (TfSwavModel m = TinyNets.open(DEF, settings(TinyNets.sgd(0.1)), GroupedConv.SPLIT, 9)) {
            m.step(batch, new StepPlan(0, 0.1, false, false));
            // the gradients alone (without the step's ordered updates) are a backward of their own, built once
            m.lossAndGradients(batch, new StepPlan(0, 0.1, false, false));
            int warm = m.operationCount();
            for (int it = 1; it < 4; it++) m.step(TinyNets.batch(2, 20 + it), new StepPlan(it, 0.1, it % 2 == 0, false));
            m.lossAndGradients(batch, new StepPlan(4, 0.1, false, false));
            m.infer(TinyNets.images(new Random(1), 2, 12));
            m.weights();
            m.loadWeights(m.weights());
            assertThat(m.operationCount()).isEqualTo(warm);
        }
    }

    @Test
    void aNonFiniteLossStopsTheStepNamingItAndLeavesTheModelUntouched() {
        MultiCropBatch good = TinyNets.batch(2, 10);
        float[] bad = good.groups().get(0).toArray();
        bad[17] = Float.NaN;
        MultiCropBatch poisoned = new MultiCropBatch(List.of(Tensor.of(bad, good.groups().get(0).shape()),
                good.groups().get(1)), 2);
        try (TfSwavModel m = TinyNets.open(DEF, settings(TinyNets.sgd(0.1)), GroupedConv.SPLIT, 10)) {
            m.step(good, new StepPlan(0, 0.1, false, false));
            Map<String, Tensor> before = m.weights();
            Map<String, Tensor> state = m.trainingState();
            assertThatThrownBy(() -> m.step(poisoned, new StepPlan(5, 0.1, false, false)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("step 5");
            assertThat(m.weights()).isEqualTo(before);
            assertThat(m.trainingState()).isEqualTo(state);
        }
    }

    @Test
    void theQueueFillsFromItsStartIterationAndItsScoresJoinSinkhornWhenPlanned() {
        EngineSettings s = TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10, 4), 2);
        try (TfSwavModel m = TinyNets.open(DEF, s, GroupedConv.SPLIT, 12)) {
            assertThat(m.trainingState().get("queue.0").toArray()).containsOnly(0f);
            m.step(TinyNets.batch(2, 1), new StepPlan(0, 0.1, false, false));
            m.step(TinyNets.batch(2, 2), new StepPlan(1, 0.1, false, false));
            Map<String, Tensor> state = m.trainingState();
            for (String q : List.of("queue.0", "queue.1")) {
                Tensor t = state.get(q);
                assertThat(t.shape()).containsExactly(4, 6);
                for (int r = 0; r < 4; r++) { // every row is a unit embedding
                    double n = 0;
                    for (int j = 0; j < 6; j++) n += t.get(r * 6 + j) * t.get(r * 6 + j);
                    assertThat(n).isCloseTo(1.0, within(1e-5));
                }
            }
            MultiCropBatch batch = TinyNets.batch(2, 3);
            double without = m.lossAndGradients(batch, new StepPlan(2, 0.1, false, false)).loss();
            double with = m.lossAndGradients(batch, new StepPlan(2, 0.1, false, true)).loss();
            assertThat(with).isNotEqualTo(without);

            try (TfSwavModel resumed = TinyNets.open(DEF, s, GroupedConv.SPLIT, 13)) {
                resumed.loadWeights(m.weights());
                resumed.loadTrainingState(m.trainingState());
                assertThat(resumed.trainingState()).isEqualTo(m.trainingState());
                StepPlan next = new StepPlan(2, 0.1, false, true);
                assertThat(resumed.step(batch, next).loss()).isEqualTo(m.step(batch, next).loss());
                assertThat(resumed.weights()).isEqualTo(m.weights());
            }
        }
    }

    @Test
    void aModelWithoutHeadInfersButRefusesToTrain() {
        ModelDefinition def = ModelDefinition.trunkOnly(TinyNets.plan(false), 1, 5);
        try (TfSwavModel m = TinyNets.open(def, settings(TinyNets.sgd(0.1)), GroupedConv.SPLIT, 14)) {
            var f = m.infer(TinyNets.images(new Random(2), 2, 8));
            assertThat(f.logits().shape()).containsExactly(2, 5);
            assertThat(f.pooled().shape()).containsExactly(2, 24);
            assertThatThrownBy(() -> m.step(TinyNets.batch(2, 1), new StepPlan(0, 0.1, false, false)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no SwAV head");
        }
    }

    @Test
    void headWithoutBatchNormUsesTorchSequentialNumbering() {
        ModelDefinition def = new ModelDefinition(TinyNets.plan(false), 1, new HeadSpec(24, List.of(12, 6), false), 7, 0);
        try (TfSwavModel m = TinyNets.open(def, settings(TinyNets.sgd(0.1)), GroupedConv.SPLIT, 15)) {
            assertThat(m.weights()).containsKeys("head.0.weight", "head.2.weight", "head.2.bias")
                    .doesNotContainKey("head.1.weight");
        }
    }
}
