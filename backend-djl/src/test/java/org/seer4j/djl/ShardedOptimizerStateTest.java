package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.tensor.Tensor;

/**
 * {@code backend.shard_optimizer_state} (ZeRO stage 1) against the plain data-parallel update: 2 workers x B/2 of
 * a tiny SwAV net, LARC (per-tensor norms on the owner), the prototypes frozen in the first step, 3 steps; both the
 * segment-by-segment step and the whole-graph step (SyncBN's path).
 */
class ShardedOptimizerStateTest {
    private static final long WEIGHTS = 71;
    /** One float32 rounding step, relative: the reference is itself float32. */
    private static final double FLOAT32_ROUNDING = 2e-7;

    private record Run(Map<String, Tensor> weights, Map<String, Tensor> state, Map<String, Tensor> gathered) {
    }

    @Test
    void shardedStateTrainsLikeTheWholeStateOnEveryWorkerAndKeepsAboutHalfOfItOnEach() throws Exception {
        MultiCropBatch all = TinyNets.batch(4, 990);
        for (boolean wholeGraph : new boolean[] {false, true}) {
            List<Run> plain = InProcessWorkers.run(2, c -> train(c, all, false, wholeGraph));
            List<Run> sharded = InProcessWorkers.run(2, c -> train(c, all, true, wholeGraph));
            Set<String> momentum = plain.get(0).state().keySet();
            assertThat(momentum).as("every SwAV tensor has momentum").hasSizeGreaterThan(10);
            Set<String> union = new HashSet<>();
            long[] kept = new long[2];
            for (int r = 0; r < 2; r++) {
                assertClose(sharded.get(r).weights(), plain.get(r).weights());
                Map<String, Tensor> own = sharded.get(r).state();
                assertThat(own.keySet()).as("rank %d keeps a part of the momentum", r).isNotEmpty()
                        .isSubsetOf(momentum);
                for (String k : own.keySet()) assertThat(union.add(k)).as("%s kept by one worker only", k).isTrue();
                for (String k : own.keySet()) {
                    assertClose(Map.of(k, own.get(k)), Map.of(k, plain.get(r).state().get(k)));
                    kept[r] += own.get(k).size();
                }
            }
            assertThat(union).containsExactlyInAnyOrderElementsOf(momentum);
            long total = kept[0] + kept[1];
            long largest = 0;
            for (String k : momentum) largest = Math.max(largest, plain.get(0).state().get(k).size());
            // largest first to the least loaded worker: no worker exceeds half by more than one tensor
            assertThat(Math.max(kept[0], kept[1])).isLessThanOrEqualTo(total / 2 + largest);
            // gathered for a checkpoint, rank 0 holds the whole state, equal to the unsharded one
            assertClose(sharded.get(0).gathered(), plain.get(0).state());
        }
    }

    private static Run train(Collective c, MultiCropBatch all, boolean shard, boolean wholeGraph) {
        OptimConfig lars = TinyNets.lars(0.3);
        var settings = new EngineSettings("cpu", 1, 7, TinyNets.swavConfig(10), lars, TinyNets.views(),
                all.batchSize() / c.worldSize(), c, 1, false, shard);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT32, WEIGHTS)) {
            if (wholeGraph) model.differentiateWholeGraph();
            for (int s = 0; s < 3; s++) {
                model.step(all.shard(c.rank(), c.worldSize()), new StepPlan(s, 0.3, s == 0, false));
            }
            Map<String, Tensor> weights = model.weights();
            Map<String, Tensor> state = momentum(model.trainingState());
            model.gatherTrainingState();
            return new Run(weights, state, momentum(model.trainingState()));
        }
    }

    private static Map<String, Tensor> momentum(Map<String, Tensor> state) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>(state);
        out.keySet().removeIf(k -> !k.startsWith("momentum."));
        return out;
    }

    private static void assertClose(Map<String, Tensor> got, Map<String, Tensor> want) {
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(want.keySet());
        for (String name : want.keySet()) {
            float[] w = want.get(name).toArray();
            float[] g = got.get(name).toArray();
            for (int i = 0; i < w.length; i++) {
                assertThat((double) g[i]).as("%s[%d]", name, i)
                        .isCloseTo(w[i], within(FLOAT32_ROUNDING * Math.max(1, Math.abs(w[i]))));
            }
        }
    }

}
