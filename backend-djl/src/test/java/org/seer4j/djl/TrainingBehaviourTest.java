package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.StepResult;
import org.seer4j.core.swav.SinkhornKnopp;
import org.seer4j.core.tensor.Tensor;

class TrainingBehaviourTest {

    @Test
    void garbageCollectionBetweenForwardAndBackwardNeverCorruptsTheLoss() {
        var settings = TinyNets.settings(TinyNets.lars(0.3), TinyNets.swavConfig(10), 4);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT32, 51)) {
            model.beforeBackward(() -> {
                System.gc();
                System.runFinalization();
            });
            for (int s = 0; s < 40; s++) {
                StepResult r = model.step(TinyNets.batch(4, 100 + s), new StepPlan(s, 0.3, s < 5, false));
                assertThat(r.loss()).as("loss at step %d", s).isFinite();
            }
            for (Tensor w : model.weights().values()) {
                for (int i = 0; i < w.size(); i++) assertThat(w.get(i)).isFinite();
            }
        }
    }

    @Test
    void aNonFiniteLossStopsTrainingWithTheStepNamedAndWeightsUntouched() {
        var settings = TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 2);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(false, true, 10), settings, DataType.FLOAT32, 52)) {
            MultiCropBatch good = TinyNets.batch(2, 1);
            model.step(good, new StepPlan(0, 0.1, false, false));
            Map<String, Tensor> before = model.weights();
            float[] poisoned = good.groups().get(0).toArray();
            poisoned[7] = Float.NaN;
            MultiCropBatch bad = new MultiCropBatch(
                    List.of(Tensor.of(poisoned, good.groups().get(0).shape()), good.groups().get(1)), 2);
            assertThatThrownBy(() -> model.step(bad, new StepPlan(7, 0.1, false, false)))
                    .isInstanceOf(NonFiniteLossException.class)
                    .hasMessageContaining("loss is NaN at step 7");
            Map<String, Tensor> after = model.weights();
            for (String name : before.keySet()) assertThat(after.get(name)).as(name).isEqualTo(before.get(name));
            assertThat(model.step(good, new StepPlan(8, 0.1, false, false)).loss()).isFinite();
        }
    }

    @Test
    void stepsLeaveNoArraysBehindInTheModelsManager() {
        SwavConfig swav = new SwavConfig(10, 0.1, 0.05, 3, 4, 0, 0);
        var settings = TinyNets.settings(TinyNets.lars(0.1), swav, 2);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT32, 56)) {
            for (int s = 0; s < 3; s++) model.step(TinyNets.batch(2, s), new StepPlan(s, 0.1, false, s >= 2));
            int held = model.managedArrays();
            for (int s = 3; s < 10; s++) {
                model.step(TinyNets.batch(2, s), new StepPlan(s, 0.1, false, true));
                model.lossAndGradients(TinyNets.batch(2, s), new StepPlan(s, 0.1, false, true));
                model.infer(TinyNets.images(new java.util.Random(s), 2, 16));
            }
            assertThat(model.managedArrays()).isEqualTo(held);
        }
    }

    @Test
    void aModelResumedFromWeightsAndTrainingStateContinuesExactlyLikeTheOriginal() {
        SwavConfig swav = new SwavConfig(10, 0.1, 0.05, 3, 4, 0, 0);
        var settings = TinyNets.settings(TinyNets.lars(0.2), swav, 2);
        var def = TinyNets.swav(true, true, 10);
        try (DjlSwavModel original = TinyNets.open(def, settings, DataType.FLOAT32, 57);
             DjlSwavModel resumed = TinyNets.open(def, settings, DataType.FLOAT32, 58)) {
            for (int s = 0; s < 3; s++) original.step(TinyNets.batch(2, s), new StepPlan(s, 0.2, false, s >= 2));
            resumed.loadWeights(original.weights());
            resumed.loadTrainingState(original.trainingState());
            assertThat(resumed.trainingState().keySet()).isEqualTo(original.trainingState().keySet());
            assertThat(resumed.queueFull()).isTrue();
            for (int s = 3; s < 5; s++) {
                StepPlan plan = new StepPlan(s, 0.2, false, true);
                assertThat(resumed.step(TinyNets.batch(2, s), plan).loss())
                        .isEqualTo(original.step(TinyNets.batch(2, s), plan).loss());
            }
            assertThat(resumed.weights()).isEqualTo(original.weights());
        }
    }

    @Test
    void lossFallsOnAFixedBatch() {
        var settings = TinyNets.settings(TinyNets.sgd(0.05), TinyNets.swavConfig(10), 8);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT32, 53)) {
            MultiCropBatch batch = TinyNets.batch(8, 54);
            List<Double> losses = new ArrayList<>();
            for (int s = 0; s < 20; s++) losses.add(model.step(batch, new StepPlan(s, 0.05, false, false)).loss());
            assertThat(losses.get(19)).as("losses %s", losses).isLessThan(losses.get(0) - 0.05);
        }
    }

    @Test
    void sameSeedSameDataAndOneThreadGiveIdenticalLosses() {
        assertThat(losses(61)).isEqualTo(losses(61));
    }

    private static List<Double> losses(long seed) {
        var settings = TinyNets.settings(TinyNets.lars(0.3), TinyNets.swavConfig(10), 4);
        List<Double> out = new ArrayList<>();
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT32, seed)) {
            for (int s = 0; s < 6; s++) out.add(model.step(TinyNets.batch(4, 70 + s), new StepPlan(s, 0.3, s < 2, false)).loss());
        }
        return out;
    }

    @Test
    void theQueueFillsNewestFirstAndJoinsSinkhornOnceFull() {
        SwavConfig swav = new SwavConfig(10, 0.1, 0.05, 3, 4, 0, 0);
        var settings = TinyNets.settings(TinyNets.sgd(0.1), swav, 2);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT32, 55)) {
            model.step(TinyNets.batch(2, 1), new StepPlan(0, 0.0, true, false));
            assertThat(model.queueFull()).isFalse();
            assertThatThrownBy(() -> model.step(TinyNets.batch(2, 2), new StepPlan(1, 0.0, true, true)))
                    .hasMessageContaining("holds 2 of its 4 rows (swav.queue_length = 4");
            model.step(TinyNets.batch(2, 3), new StepPlan(1, 0.0, true, false));
            assertThat(model.queueFull()).isTrue();
            Map<String, Tensor> state = model.trainingState();
            Tensor queue0 = state.get("queue.0");
            assertThat(queue0.shape()).containsExactly(4, 6);
            // With lr 0 the weights are fixed, so the queue's scores and the batch's codes can be recomputed.
            MultiCropBatch batch = TinyNets.batch(2, 4);
            List<Tensor> codes = model.codes(batch, new StepPlan(2, 0.0, true, true));
            Tensor protos = model.weights().get("prototypes.weight");
            Tensor queueScores = matmulTransposed(queue0, protos);
            Tensor scores0 = cropScores(model, batch, 0, protos);
            DjlSwavObjectiveTest.assertClose(codes.get(0), SinkhornKnopp.codes(scores0, queueScores, 0.05, 3), 1e-5);
        }
    }

    /** Scores of one crop from a fresh frozen-statistics forward pass, through the queue-free code path. */
    private static Tensor cropScores(DjlSwavModel model, MultiCropBatch batch, int crop, Tensor protos) {
        return model.scores(batch).get(crop);
    }

    private static Tensor matmulTransposed(Tensor a, Tensor b) {
        int n = a.dim(0), d = a.dim(1), k = b.dim(0);
        float[] out = new float[n * k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int t = 0; t < d; t++) s += (double) a.get(i * d + t) * b.get(j * d + t);
                out[i * k + j] = (float) s;
            }
        }
        return Tensor.of(out, n, k);
    }
}
