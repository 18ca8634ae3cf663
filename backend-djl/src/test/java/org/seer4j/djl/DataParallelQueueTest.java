package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.distributed.InProcessGroup;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.swav.QueueSchedule;
import org.seer4j.core.swav.StepPlanner;
import org.seer4j.core.tensor.Tensor;

/**
 * SwAV's queue under data parallelism on DJL (workers as threads, {@link InProcessGroup}): N workers with B/N
 * images each keep queues of {@code queue_length / N} rows, and with SyncBN, the distributed Sinkhorn over every
 * worker's queue and gradient averaging they take the steps one worker takes with all B images and a queue of
 * {@code queue_length} rows, before and after the queue joins Sinkhorn.
 */
class DataParallelQueueTest {
    private static final ModelDefinition DEF = TinyNets.swav(true, true, 10);
    private static final long WEIGHTS_SEED = 301;
    /** Global batch 6 (2 x 3, 3 x 2) and a queue of two global batches: filled by steps 0 and 1, used from 2 on. */
    private static final int BATCH = 6;
    private static final int QUEUE = 12;
    private static final int STEPS = 4;

    private record Trained(List<Double> losses, Map<String, Tensor> weights) {
    }

    @Test
    void twoWorkersWithAQueueTrainLikeOneWorkerWithTheWholeBatch() throws Exception {
        assertWorkersTrainLikeOne(2);
    }

    @Test
    void threeWorkersWithAQueueTrainLikeOneWorkerWithTheWholeBatch() throws Exception {
        assertWorkersTrainLikeOne(3);
    }

    @Test
    void theQueueJoinsSinkhornFromTheThirdStepAndChangesTheLoss() {
        // the plan is the core's (QueueSchedule); without the queue step 2's loss differs, so the test above sees it
        StepPlanner planner = new StepPlanner(TinyNets.swavConfig(10, QUEUE), TinyNets.sgd(0.2), BATCH, STEPS);
        assertThat(List.of(0, 1, 2, 3)).map(k -> planner.plan(k).useQueue()).containsExactly(false, false, true, true);
        Trained with = train(Collective.SINGLE, QUEUE);
        Trained without = train(Collective.SINGLE, 0);
        assertThat(with.losses().subList(0, 2)).isEqualTo(without.losses().subList(0, 2));
        assertThat(Math.abs(with.losses().get(2) - without.losses().get(2))).isGreaterThan(1e-4);
    }

    @Test
    void aCheckpointOfTwoWorkersResumesInOneProcessWithAFullQueue() throws Exception {
        // the checkpoint holds rank 0's queues of 6 rows; one process keeps 12: filled from rank 0's rows, full
        List<Map<String, Tensor>> states = InProcessWorkers.run(2, c -> {
            try (DjlSwavModel model = open(c, QUEUE)) {
                model.loadWeights(TinyNets.randomWeights(model, WEIGHTS_SEED));
                for (int k = 0; k < 2; k++) {
                    model.step(TinyNets.batch(BATCH, 700 + k).shard(c.rank(), 2), new StepPlan(k, 0.2, false, false));
                }
                return model.trainingState();
            }
        });
        assertThat(states.get(0).get("queue.0").shape()).containsExactly(6, 6);
        try (DjlSwavModel single = open(Collective.SINGLE, QUEUE)) {
            single.loadWeights(TinyNets.randomWeights(single, WEIGHTS_SEED));
            single.loadTrainingState(states.get(0));
            assertThat(single.queueFull()).isTrue();
            assertThat(single.trainingState().get("queue.0").shape()).containsExactly(12, 6);
            double loss = single.step(TinyNets.batch(BATCH, 702), new StepPlan(2, 0.2, false, true)).loss();
            assertThat(loss).isFinite();
        }
    }

    private static DjlSwavModel open(Collective c, int queueLength) {
        EngineSettings settings = new EngineSettings("cpu", 1, 7, TinyNets.swavConfig(10, queueLength),
                TinyNets.sgd(0.2), TinyNets.views(), BATCH / c.worldSize(), c, 0);
        return new DjlEngine().open(DEF, settings, Map.of(), DataType.FLOAT64);
    }

    /**
     * Double precision isolates the algorithm (as in {@code SyncBatchNormTest}): every rank's loss at every step
     * and its final weights (BN running statistics included) within 1e-5 relative of the single worker's; the
     * replicas agree bit for bit.
     */
    private static void assertWorkersTrainLikeOne(int world) throws Exception {
        Trained single = train(Collective.SINGLE, QUEUE);
        List<Trained> workers = InProcessWorkers.run(world, c -> train(c, QUEUE));
        double tolerance = 1e-5;
        for (int k = 0; k < STEPS; k++) {
            double want = single.losses().get(k);
            for (int r = 0; r < world; r++) {
                assertThat(workers.get(r).losses().get(k)).as("rank %d step %d", r, k)
                        .isCloseTo(want, within(tolerance * Math.abs(want)));
            }
        }
        for (String name : single.weights().keySet()) {
            float[] want = single.weights().get(name).toArray();
            float[] got = workers.get(0).weights().get(name).toArray();
            for (int r = 1; r < world; r++) {
                assertThat(workers.get(r).weights().get(name).toArray()).as("rank %d %s", r, name).containsExactly(got);
            }
            double scale = 0;
            for (float v : want) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < want.length; i++) {
                assertThat((double) got[i]).as("%s[%d]", name, i).isCloseTo(want[i], within(tolerance * scale));
            }
        }
    }

    /** {@link #STEPS} SGD steps on this worker's share of seeded global batches, planned by the core. */
    private static Trained train(Collective c, int queueLength) {
        int world = c.worldSize();
        EngineSettings settings = new EngineSettings("cpu", 1, 7, TinyNets.swavConfig(10, queueLength),
                TinyNets.sgd(0.2), TinyNets.views(), BATCH / world, c, 0);
        assertThat(settings.queue()).isEqualTo(new QueueSchedule(queueLength, 0, BATCH / world, world));
        StepPlanner planner = new StepPlanner(settings.swav(), settings.optim(), BATCH, STEPS);
        try (DjlSwavModel model = new DjlEngine().open(DEF, settings, Map.of(), DataType.FLOAT64)) {
            model.loadWeights(TinyNets.randomWeights(model, WEIGHTS_SEED));
            List<Double> losses = new ArrayList<>();
            for (int k = 0; k < STEPS; k++) {
                MultiCropBatch batch = TinyNets.batch(BATCH, 700 + k).shard(c.rank(), world);
                StepPlan plan = planner.plan(k);
                losses.add(model.step(batch, new StepPlan(k, 0.2, false, plan.useQueue())).loss());
            }
            return new Trained(losses, model.weights());
        }
    }

}
