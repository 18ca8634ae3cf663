package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.model.ModelCost;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPresets;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.tensor.Tensor;

/**
 * Crop groups run side by side on CPU ({@link CropGroupThread}): the same weights, momentum-moved BN statistics
 * included, as the groups run in turn, in float64 to rounding.
 */
class CropGroupThreadTest {
    private static final String PROPERTY = "seer4j.djl.parallelCropGroups";

    @Test
    void threadsAreSplitByWorkWithAtLeastOneEach() {
        assertThat(CropGroupThread.split(2, 2 * 96 * 96, 4 * 48 * 48)).containsExactly(1, 1);
        assertThat(CropGroupThread.split(16, 2, 1)).containsExactly(11, 5);
        assertThat(CropGroupThread.split(3, 1, 1000)).containsExactly(1, 2);
        assertThat(CropGroupThread.split(4, 1000, 1)).containsExactly(3, 1);
    }

    @Test
    void theCallerWidensAtAFixedSegmentWhereItHasDoneTheSidesShareOfTheWork() {
        // the segments' multiply-adds add up to the trunk's, as the core's cost model counts them
        ModelDefinition def = ModelDefinition.trunkOnly(RegNetGenerator.plan(RegNetPresets.find("regnety_400mf").orElseThrow()), 2, 0);
        long[] work = ModelCost.trunkSegmentMacs(def, 96);
        assertThat((double) java.util.Arrays.stream(work).sum()).isCloseTo(ModelCost.of(def, 96).macs(), within(1.0));
        assertThat(work).hasSize(def.trunk().blocks().size() + 1);
        // forward counts from the stem, backward from the last block; the last segment is never the point
        long[] w = {1, 1, 2, 4, 2};
        assertThat(SegmentedTrunk.widenAfter(w, 0.5, false)).isEqualTo(3);
        assertThat(SegmentedTrunk.widenAfter(w, 0.5, true)).isEqualTo(1);
        assertThat(SegmentedTrunk.widenAfter(w, 0.1, false)).isZero();
        assertThat(SegmentedTrunk.widenAfter(w, 1.0, false)).isEqualTo(3);
    }

    @Test
    void stepsWithGroupsSideBySideRepeatBitForBit() {
        Map<String, Tensor> first = train(true);
        Map<String, Tensor> second = train(true);
        for (String name : first.keySet()) {
            assertThat(second.get(name).toArray()).as(name).isEqualTo(first.get(name).toArray());
        }
    }

    @Test
    void stepsWithGroupsSideBySideEqualStepsWithGroupsInTurn() {
        Map<String, Tensor> inTurn;
        String before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, "false");
        try {
            inTurn = train(false);
        } finally {
            if (before == null) System.clearProperty(PROPERTY);
            else System.setProperty(PROPERTY, before);
        }
        assertClose(train(true), inTurn);
    }

    @Test
    void dataParallelWorkersAverageTheSameGradientsWithGroupsSideBySide() throws Exception {
        // the side thread applies the segments' updates, so it also runs their all-reduces
        MultiCropBatch all = TinyNets.batch(4, 77);
        String before = System.getProperty(PROPERTY);
        List<Map<String, Tensor>> inTurn;
        System.setProperty(PROPERTY, "false");
        try {
            inTurn = InProcessWorkers.run(2, c -> trainWorker(c, all));
        } finally {
            if (before == null) System.clearProperty(PROPERTY);
            else System.setProperty(PROPERTY, before);
        }
        List<Map<String, Tensor>> sideBySide = InProcessWorkers.run(2, c -> trainWorker(c, all));
        for (int rank = 0; rank < 2; rank++) assertClose(sideBySide.get(rank), inTurn.get(rank));
    }

    @Test
    void stepsLeaveNoArraysBehindSideBySideOrInTurn() {
        String before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, "false");
        try {
            assertStepsFreeWhatTheyMake(false);
        } finally {
            if (before == null) System.clearProperty(PROPERTY);
            else System.setProperty(PROPERTY, before);
        }
        assertStepsFreeWhatTheyMake(true);
    }

    private static void assertStepsFreeWhatTheyMake(boolean sideBySide) {
        var settings = new EngineSettings("cpu", 2, 7, TinyNets.swavConfig(10), TinyNets.lars(0.3), TinyNets.views(), 4,
                Collective.SINGLE, 1, false);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT64, 5)) {
            int[] held = new int[5];
            for (int s = 0; s < held.length; s++) {
                model.step(TinyNets.batch(4, 60 + s), new StepPlan(s, 0.3, false, false));
                held[s] = model.arraysHeld();
            }
            assertThat(model.cropGroupTasks() > 0).isEqualTo(sideBySide);
            // the first step creates the momentum buffers; from then on every step frees what it made
            assertThat(held[4]).as("side by side %s: arrays held after each step %s", sideBySide,
                    java.util.Arrays.toString(held)).isEqualTo(held[1]);
        }
    }

    private static Map<String, Tensor> trainWorker(Collective c, MultiCropBatch all) {
        var settings = new EngineSettings("cpu", 2, 7, TinyNets.swavConfig(10), TinyNets.lars(0.3), TinyNets.views(),
                all.batchSize() / c.worldSize(), c, 1, false);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT64, 5)) {
            for (int s = 0; s < 2; s++) {
                model.step(all.shard(c.rank(), c.worldSize()), new StepPlan(s, 0.3, false, false));
            }
            return model.weights();
        }
    }

    private static void assertClose(Map<String, Tensor> got, Map<String, Tensor> want) {
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(want.keySet())
                .contains("stem.1.running_mean", "stem.1.running_var");
        for (String name : want.keySet()) {
            float[] w = want.get(name).toArray();
            float[] g = got.get(name).toArray();
            for (int i = 0; i < w.length; i++) {
                assertThat((double) g[i]).as("%s[%d]", name, i)
                        .isCloseTo(w[i], within(1e-6 * Math.max(1, Math.abs(w[i]))));
            }
        }
    }

    /** Three steps of a tiny SwAV net on two intra-op threads; asserts whether the side thread was used. */
    private static Map<String, Tensor> train(boolean sideBySide) {
        OptimConfig lars = TinyNets.lars(0.3);
        var settings = new EngineSettings("cpu", 2, 7, TinyNets.swavConfig(10), lars, TinyNets.views(), 4,
                Collective.SINGLE, 1, false);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT64, 5)) {
            for (int s = 0; s < 3; s++) {
                model.step(TinyNets.batch(4, 40 + s), new StepPlan(s, 0.3, s == 0, false));
            }
            // forward and backward of every step
            assertThat(model.cropGroupTasks()).isEqualTo(sideBySide ? 6 : 0);
            return model.weights();
        }
    }
}
