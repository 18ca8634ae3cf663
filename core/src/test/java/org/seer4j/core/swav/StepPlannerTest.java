package org.seer4j.core.swav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.TrainConfig;
import org.seer4j.core.port.StepPlan;

class StepPlannerTest {

    private final OptimConfig optim = new OptimConfig("lars", 0.9, 1e-6, 0.3, 256, 0.0, 0.001, 10, 0.001, false, true);

    @Test
    void prototypesAreFrozenForExactlyTheConfiguredIterations() {
        StepPlanner planner = new StepPlanner(new SwavConfig(30, 0.1, 0.05, 3, 0, 0, 313), optim, 256, 1000);
        assertThat(planner.plan(0).freezePrototypes()).isTrue();
        assertThat(planner.plan(312).freezePrototypes()).isTrue();
        assertThat(planner.plan(313).freezePrototypes()).isFalse();
    }

    @Test
    void thePlanCarriesTheScheduledLearningRate() {
        StepPlanner planner = new StepPlanner(SwavConfig.defaults(), optim, 512, 100);
        StepPlan plan = planner.plan(10);
        assertThat(plan.iteration()).isEqualTo(10);
        assertThat(plan.lr()).isEqualTo(0.6);
        assertThat(planner.plan(55).lr()).isEqualTo(planner.schedule().at(55));
    }

    @Test
    void theQueueIsUsedOnlyFromItsStartIterationAndOnceFull() {
        StepPlanner planner = new StepPlanner(new SwavConfig(30, 0.1, 0.05, 3, 512, 100, 0), optim, 256, 1000);
        // 512 rows at 256 per step: filled by steps 100 and 101, used from step 102
        assertThat(planner.plan(99).useQueue()).isFalse();
        assertThat(planner.plan(101).useQueue()).isFalse();
        assertThat(planner.plan(102).useQueue()).isTrue();
        assertThat(planner.fillsQueue(99)).isFalse();
        assertThat(planner.fillsQueue(100)).isTrue();
    }

    @Test
    void withoutAQueueLengthTheQueueIsNeverFilledNorUsed() {
        StepPlanner planner = new StepPlanner(new SwavConfig(30, 0.1, 0.05, 3, 0, 0, 0), optim, 256, 1000);
        assertThat(planner.fillsQueue(500)).isFalse();
        assertThat(planner.plan(500).useQueue()).isFalse();
    }

    @Test
    void aQueueOfTwoBatchesStartedAtStepThreeJoinsSinkhornAtStepFive() {
        int batch = 2;
        StepPlanner planner = new StepPlanner(new SwavConfig(30, 0.1, 0.05, 3, 2 * batch, 3, 0), optim, batch, 50);
        EmbeddingQueue queue = new EmbeddingQueue(2 * batch, 4);
        long firstUse = -1;
        for (long it = 0; it < 10 && firstUse < 0; it++) {
            boolean use = planner.plan(it).useQueue();
            assertThat(use).as("step %d", it).isEqualTo(queue.full());
            if (use) {
                firstUse = it;
            }
            if (planner.fillsQueue(it)) {
                queue.push(new float[batch * 4], batch);
            }
        }
        assertThat(firstUse).isEqualTo(5);
    }

    @Test
    void totalStepsComeFromStepsOrFromWholeBatchesPerEpoch() {
        assertThat(StepPlanner.totalSteps(new TrainConfig(64, 3, 0, 0, 10, 0, 1), 1000)).isEqualTo(45);
        assertThat(StepPlanner.totalSteps(new TrainConfig(64, 3, 7, 0, 10, 0, 1), 1000)).isEqualTo(7);
        assertThatThrownBy(() -> StepPlanner.totalSteps(new TrainConfig(64, 3, 0, 0, 10, 0, 1), 10))
                .hasMessageContaining("no full batch");
    }
}
