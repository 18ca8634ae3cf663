package org.seer4j.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.BackendConfig;
import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.DataConfig;
import org.seer4j.core.config.EvalConfig;
import org.seer4j.core.config.ModelConfig;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.OutputConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.TrainConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.optim.LrSchedule;
import org.seer4j.core.port.Checkpoint;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.usecase.PretrainUseCase.Command;
import org.seer4j.core.usecase.PretrainUseCase.Summary;

class PretrainServiceTest {
    private static final int BATCH = 4;
    private static final Path OUT = Path.of("/runs/test");
    private static final OptimConfig OPTIM =
            new OptimConfig("sgd", 0.9, 0, 0.05, BATCH, 0.01, 0.1, 2, 0.001, false, true);

    /** 23 images, 3 of them unreadable: 20 good ones make 5 batches of 4 per epoch. */
    private final FakeBatchSource source = new FakeBatchSource(23, BATCH, Set.of(3, 11, 17));
    private final MemoryCheckpointStore store = new MemoryCheckpointStore();
    private final List<RecordingSink> sinks = new ArrayList<>();
    private final List<Progress> progress = new ArrayList<>();
    private final List<Integer> keeps = new ArrayList<>();
    private final List<Path> storeDirs = new ArrayList<>();

    private static RunConfig config(TrainConfig train, SwavConfig swav) {
        return new RunConfig(ModelConfig.defaults(), ViewsConfig.defaults(), swav, OPTIM, train,
                DataConfig.defaults(), BackendConfig.defaults(), EvalConfig.defaults(),
                new OutputConfig(null, List.of("jsonl", "csv"), true));
    }

    private static RunConfig steps(long steps, int logEvery, int checkpointEvery) {
        return config(new TrainConfig(BATCH, 0, steps, 7, logEvery, checkpointEvery, 2),
                new SwavConfig(30, 0.1, 0.05, 3, 0, 0, 3));
    }

    private final class Harness {
        final FakeClock clock = new FakeClock();
        final FakeEngine engine = new FakeEngine(clock);
        final PretrainService service;
        /** The listener asks for a stop after this step (as Ctrl-C would); -1 for never. */
        long stopAfter = -1;

        Harness() {
            service = new PretrainService(engine, c -> new TrainingData(source, 23),
                    (dir, keep) -> {
                        storeDirs.add(dir);
                        keeps.add(keep);
                        return store;
                    },
                    (dir, kind) -> {
                        RecordingSink s = new RecordingSink();
                        sinks.add(s);
                        return s;
                    },
                    p -> {
                        progress.add(p);
                        if (p.step() == stopAfter) {
                            service().requestStop();
                        }
                    }, clock);
        }

        private PretrainService service() {
            return service;
        }

        Summary run(RunConfig config) {
            return service.pretrain(new Command(config, OUT, Map.of(CheckpointKeys.CONFIG, "train: {}")));
        }

        FakeSwavModel model() {
            return engine.last();
        }
    }

    @Test
    void runsExactlyTheConfiguredStepsWithIterationsCountedFromZero() {
        Harness h = new Harness();
        Summary summary = h.run(steps(7, 1, 0));
        assertThat(summary.steps()).isEqualTo(7);
        assertThat(summary.stopped()).isFalse();
        assertThat(h.model().plans).extracting(StepPlan::iteration).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(summary.finalLoss()).isEqualTo(h.model().losses.get(6));
        assertThat(h.model().closed).isTrue();
        assertThat(sinks).allMatch(s -> s.closed);
        assertThat(h.engine.settings.get(0).seed()).isEqualTo(7);
        assertThat(h.engine.settings.get(0).batchSize()).isEqualTo(BATCH);
    }

    @Test
    void epochsTurnIntoStepsThroughTheImagesPerEpochAndTheDataOrderFollowsSeedAndEpoch() {
        Harness h = new Harness();
        RunConfig two = config(new TrainConfig(BATCH, 2, 0, 7, 1, 0, 2), new SwavConfig(30, 0.1, 0.05, 3, 0, 0, 0));
        Summary summary = h.run(two);
        // 23 images / 4 = 5 steps per epoch.
        assertThat(summary.steps()).isEqualTo(10);
        assertThat(source.opens).extracting(o -> o[0] + "@" + o[1]).containsExactly("0@0", "1@0");
        // The batch means are those of consecutive good images of each epoch's shuffled order.
        List<Double> expected = new ArrayList<>();
        for (long epoch = 0; epoch < 2; epoch++) {
            List<Integer> good = new ArrayList<>();
            for (int id : source.order(7, epoch)) {
                if (!source.bad.contains(id)) {
                    good.add(id);
                }
            }
            for (int b = 0; b < 5; b++) {
                double s = 0;
                for (int i = 0; i < BATCH; i++) {
                    s += good.get(b * BATCH + i);
                }
                expected.add(s / BATCH + 0.125);
            }
        }
        assertThat(h.model().batchMeans).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(h.model().batchMeans.get(i)).isCloseTo(expected.get(i), Offset.offset(1e-9));
        }
        assertThat(sinks.get(0).records).extracting(MetricsRecord::epoch)
                .containsExactly(0L, 0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L, 1L);
    }

    @Test
    void theLearningRateOfEveryStepIsTheSchedulesValue() {
        Harness h = new Harness();
        h.run(steps(10, 1, 0));
        LrSchedule schedule = LrSchedule.of(OPTIM, BATCH, 10);
        List<StepPlan> plans = h.model().plans;
        for (int i = 0; i < 10; i++) {
            assertThat(plans.get(i).lr()).isEqualTo(schedule.at(i));
        }
        // Warmup from 0.01 to the peak 0.05 * 4 / 4 over 2 steps, then the cosine starts at the peak.
        assertThat(plans.get(0).lr()).isEqualTo(0.01);
        assertThat(plans.get(1).lr()).isCloseTo(0.03, Offset.offset(1e-15));
        assertThat(plans.get(2).lr()).isEqualTo(0.05);
        assertThat(sinks.get(0).records).extracting(MetricsRecord::lr)
                .containsExactlyElementsOf(plans.stream().map(StepPlan::lr).toList());
    }

    @Test
    void prototypesStayFrozenForTheConfiguredIterationsOnly() {
        Harness h = new Harness();
        h.run(steps(6, 1, 0));
        assertThat(h.model().plans).extracting(StepPlan::freezePrototypes)
                .containsExactly(true, true, true, false, false, false);
        float initial = (float) (0.1 * 4 + 0.01 * 7);
        assertThat(h.engine.last().w[3]).isNotEqualTo(initial);
        store.saved.clear();
        Harness frozen = new Harness();
        frozen.run(steps(3, 1, 0));
        assertThat(frozen.model().w[3]).isEqualTo(initial);
    }

    @Test
    void theQueueJoinsSinkhornOnceItsFillingStepsHavePushedAFullQueue() {
        Harness h = new Harness();
        // Queue of 2 batches filled from iteration 2: pushes at 2 and 3, so iteration 4 is the first to use it.
        h.run(config(new TrainConfig(BATCH, 0, 7, 7, 1, 0, 2), new SwavConfig(30, 0.1, 0.05, 3, 2 * BATCH, 2, 0)));
        assertThat(h.model().plans).extracting(StepPlan::useQueue)
                .containsExactly(false, false, false, false, true, true, true);
    }

    @Test
    void metricsAreRecordedEveryLogEveryStepsAndAtTheEndWithTheStepsLossAndThroughput() {
        Harness h = new Harness();
        h.run(steps(10, 3, 0));
        assertThat(sinks).hasSize(2);
        RecordingSink jsonl = sinks.get(0);
        assertThat(jsonl.records).extracting(MetricsRecord::step).containsExactly(3L, 6L, 9L, 10L);
        assertThat(jsonl.records).extracting(MetricsRecord::loss).containsExactly(h.model().losses.get(2),
                h.model().losses.get(5), h.model().losses.get(8), h.model().losses.get(9));
        // Every fake step takes 0.5 s for 4 images: 8 images/s.
        assertThat(jsonl.records).extracting(MetricsRecord::imagesPerSecond).containsOnly(8.0);
        assertThat(sinks.get(1).records).isEqualTo(jsonl.records);
        // 10 steps cross into epoch 1: epoch 0 skipped its 3 bad images; epoch 1 has reached some of its own.
        assertThat(jsonl.records.get(0).skipped()).containsKey("corrupt");
        assertThat(progress).hasSize(10);
        Progress third = progress.get(2);
        assertThat(third.step()).isEqualTo(3);
        assertThat(third.imagesPerSecond()).isEqualTo(8.0);
        assertThat(third.etaSeconds()).isEqualTo(7 * 0.5);
    }

    @Test
    void skippedImagesAreCountedOverTheWholeRun() {
        Harness h = new Harness();
        RunConfig two = config(new TrainConfig(BATCH, 2, 0, 7, 5, 0, 2), new SwavConfig(30, 0.1, 0.05, 3, 0, 0, 0));
        h.run(two);
        // After epoch 0 at least the bad images met before its fifth batch; at the end of epoch 1 both epochs'.
        long afterEpoch0 = sinks.get(0).records.get(0).skipped().getOrDefault("corrupt", 0L);
        long expectedEpoch0 = badBefore(source.order(7, 0), 20);
        long expectedEpoch1 = badBefore(source.order(7, 1), 20);
        assertThat(afterEpoch0).isEqualTo(expectedEpoch0);
        assertThat(sinks.get(0).records.get(1).skipped()).containsEntry("corrupt", expectedEpoch0 + expectedEpoch1);
    }

    /** Bad images among the order's prefix that holds {@code good} good images. */
    private long badBefore(int[] order, int good) {
        long bad = 0;
        int seen = 0;
        for (int id : order) {
            if (seen == good) {
                break;
            }
            if (source.bad.contains(id)) {
                bad++;
            } else {
                seen++;
            }
        }
        return bad;
    }

    @Test
    void checkpointsAreWrittenEveryCheckpointEveryStepsAndAtTheEndWithProvenance() {
        Harness h = new Harness();
        Summary summary = h.run(steps(10, 1, 4));
        assertThat(store.steps()).containsExactly(4L, 8L, 10L);
        assertThat(summary.lastCheckpoint()).isEqualTo(10);
        assertThat(keeps).containsExactly(2);
        assertThat(storeDirs).containsExactly(OUT.resolve("checkpoints"));
        Checkpoint last = store.saved.get(2);
        assertThat(last.metadata()).containsEntry("step", "10").containsEntry("total_steps", "10")
                .containsEntry("epoch", "1").containsEntry("seed", "7").containsEntry("engine", "fake")
                .containsEntry("engine_version", "fake 1.0").containsEntry("config", "train: {}")
                .containsEntry("data", "fake images (23)");
        assertThat(Long.parseLong(last.metadata().get("data_position"))).isBetween(5L, 23L);
        assertThat(last.weights().toMap()).isEqualTo(h.model().weights());
        assertThat(last.trainingState().toMap()).isEqualTo(h.model().trainingState());
        Checkpoint fourth = store.saved.get(0);
        assertThat(fourth.metadata()).containsEntry("epoch", "0");
        // Four batches of four good images end just after the 16th good image of epoch 0's order.
        assertThat(fourth.metadata().get("data_position")).isEqualTo(Long.toString(positionAfterGood(source.order(7, 0), 16)));
    }

    private long positionAfterGood(int[] order, int good) {
        int seen = 0;
        for (int i = 0; i < order.length; i++) {
            if (!source.bad.contains(order[i]) && ++seen == good) {
                return i + 1;
            }
        }
        throw new AssertionError();
    }

    @Test
    void aRunResumedFromItsCheckpointEqualsTheUninterruptedRun() {
        Harness whole = new Harness();
        whole.run(steps(10, 1, 0));
        List<Double> wholeLosses = whole.model().losses;
        float[] wholeWeights = whole.model().w.clone();
        float[] wholeMomentum = whole.model().v.clone();

        for (int stopAt : new int[] {6, 5, 1}) {
            store.saved.clear();
            source.opens.clear();
            Harness first = new Harness();
            first.stopAfter = stopAt;
            Summary stopped = first.run(steps(10, 1, 0));
            assertThat(stopped.stopped()).isTrue();
            assertThat(stopped.steps()).isEqualTo(stopAt);
            assertThat(store.steps()).containsExactly((long) stopAt);

            Harness second = new Harness();
            Summary resumed = second.run(steps(10, 1, 0));
            assertThat(resumed.steps()).isEqualTo(10);
            List<Double> losses = new ArrayList<>(first.model().losses);
            losses.addAll(second.model().losses);
            assertThat(losses).as("losses when stopped at %d", stopAt).isEqualTo(wholeLosses);
            assertThat(second.model().w).isEqualTo(wholeWeights);
            assertThat(second.model().v).isEqualTo(wholeMomentum);
            assertThat(second.model().plans.get(0).iteration()).isEqualTo(stopAt);
        }
    }

    @Test
    void aStopRequestCheckpointsAndReturnsBeforeTheNextStep() {
        Harness h = new Harness();
        h.stopAfter = 3;
        Summary summary = h.run(steps(10, 1, 0));
        assertThat(summary.stopped()).isTrue();
        assertThat(summary.steps()).isEqualTo(3);
        assertThat(h.model().plans).hasSize(3);
        assertThat(store.steps()).containsExactly(3L);
        assertThat(summary.lastCheckpoint()).isEqualTo(3);
        // The request is spent: the next run goes to the end.
        Summary next = h.run(steps(10, 1, 0));
        assertThat(next.stopped()).isFalse();
        assertThat(next.steps()).isEqualTo(10);
    }

    @Test
    void aNonFiniteLossFailsNamingTheStepAndSavesNothingForIt() {
        Harness h = new Harness();
        h.engine.nanAtIteration = 4;
        assertThatThrownBy(() -> h.run(steps(10, 1, 2)))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("NaN at step 5")
                .satisfies(e -> assertThat(((TrainingDivergedException) e).step()).isEqualTo(5));
        assertThat(store.steps()).containsExactly(2L, 4L);
        assertThat(h.model().closed).isTrue();
    }

    @Test
    void resumingWithAnotherSeedIsRefusedNamingTheKey() {
        new Harness().run(steps(4, 1, 0));
        RunConfig otherSeed = config(new TrainConfig(BATCH, 0, 10, 8, 1, 0, 2), new SwavConfig(30, 0.1, 0.05, 3, 0, 0, 3));
        assertThatThrownBy(() -> new Harness().run(otherSeed))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("train.seed").hasMessageContaining("seed 7");
    }

    @Test
    void aFinishedRunRerunDoesNoMoreSteps() {
        new Harness().run(steps(4, 1, 0));
        Harness again = new Harness();
        Summary summary = again.run(steps(4, 1, 0));
        assertThat(summary.steps()).isEqualTo(4);
        assertThat(again.model().plans).isEmpty();
        assertThat(store.steps()).containsExactly(4L);
    }

    @Test
    void anEpochWithoutAFullBatchIsReportedClearly() {
        FakeBatchSource tiny = new FakeBatchSource(3, BATCH, Set.of());
        FakeClock clock = new FakeClock();
        PretrainService service = new PretrainService(new FakeEngine(clock), c -> new TrainingData(tiny, 100),
                (dir, keep) -> store, (dir, kind) -> new RecordingSink(), ProgressListener.NONE, clock);
        assertThatThrownBy(() -> service.pretrain(new Command(steps(5, 1, 0), OUT)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("epoch 0 of fake images (3) holds no full batch of 4 images");
    }
}
