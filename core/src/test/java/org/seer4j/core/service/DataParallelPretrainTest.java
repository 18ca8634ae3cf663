package org.seer4j.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
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
import org.seer4j.core.distributed.InProcessGroup;
import org.seer4j.core.image.Shard;
import org.seer4j.core.port.BatchSource;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.usecase.PretrainUseCase.Command;
import org.seer4j.core.usecase.PretrainUseCase.Summary;

/** The pretraining loop with two data-parallel workers (threads of an in-process group). */
class DataParallelPretrainTest {
    private static final int GLOBAL_BATCH = 4;

    private final MemoryCheckpointStore store = new MemoryCheckpointStore();
    private final List<RecordingSink> sinks = Collections.synchronizedList(new ArrayList<>());
    private final List<FakeEngine> engines = List.of(new FakeEngine(new FakeClock()), new FakeEngine(new FakeClock()));

    private static RunConfig config(int epochs, long steps, int checkpointEvery) {
        return new RunConfig(ModelConfig.defaults(), ViewsConfig.defaults(), new SwavConfig(30, 0.1, 0.05, 3, 0, 0, 3),
                new OptimConfig("sgd", 0.9, 0, 0.05, GLOBAL_BATCH, 0.01, 0.1, 2, 0.001, false, true),
                new TrainConfig(GLOBAL_BATCH, epochs, steps, 7, 1, checkpointEvery, 5), DataConfig.defaults(),
                BackendConfig.defaults(), EvalConfig.defaults(), new OutputConfig(null, List.of("jsonl", "csv"), true));
    }

    /** Runs both workers on {@code n} images (positions dealt as {@code Shard(rank, 2)}) and returns their summaries. */
    private List<Summary> runBoth(RunConfig config, int n) throws Exception {
        List<Collective> group = InProcessGroup.create(2, Duration.ofSeconds(20));
        List<CompletableFuture<Summary>> runs = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            int rank = r;
            TrainingDataFactory data = new TrainingDataFactory() {
                public TrainingData open(RunConfig c) {
                    throw new AssertionError("a data-parallel worker must ask for its shard");
                }

                public TrainingData open(RunConfig c, Shard shard) {
                    assertThat(shard).isEqualTo(new Shard(rank, 2));
                    return new TrainingData(new ShardSource(n, c.train().batchSize() / 2, shard), n);
                }
            };
            PretrainService service = new PretrainService(engines.get(r), data, (dir, keep) -> store,
                    (dir, kind) -> {
                        RecordingSink s = new RecordingSink();
                        sinks.add(s);
                        return s;
                    }, p -> { }, new FakeClock(), group.get(r));
            runs.add(CompletableFuture.supplyAsync(() -> service.pretrain(
                    new Command(config, Path.of("/runs/dp"), Map.of(CheckpointKeys.CONFIG, "train: {}")))));
        }
        return List.of(runs.get(0).get(), runs.get(1).get());
    }

    @Test
    void aSyncBnGroupSizeThatDoesNotDivideTheWorkersStopsTheRunBeforeItOpensItsData() {
        RunConfig base = config(0, 3, 2);
        RunConfig config = new RunConfig(base.model(), base.views(), base.swav(), base.optim(), base.train(),
                base.data(), new BackendConfig("djl", "cpu", 1, 3), base.eval(), base.output());
        TrainingDataFactory data = new TrainingDataFactory() {
            public TrainingData open(RunConfig c) {
                throw new AssertionError("no data before the settings are checked");
            }

            public TrainingData open(RunConfig c, Shard shard) {
                throw new AssertionError("no data before the settings are checked");
            }
        };
        PretrainService service = new PretrainService(engines.get(0), data, (dir, keep) -> store,
                (dir, kind) -> new RecordingSink(), p -> { }, new FakeClock(),
                InProcessGroup.create(2, Duration.ofSeconds(5)).get(0));
        assertThatThrownBy(() -> service.pretrain(new Command(config, Path.of("/runs/dp"), Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("backend.sync_bn_group_size: is 3, which does not divide the 2 data-parallel"
                        + " workers");
    }

    @Test
    void twoWorkersStepTogetherOnHalfBatchesAndOnlyRankZeroWritesWithTheGlobalPosition() throws Exception {
        List<Summary> summaries = runBoth(config(0, 3, 2), 20);
        for (int r = 0; r < 2; r++) {
            assertThat(summaries.get(r).steps()).isEqualTo(3);
            assertThat(engines.get(r).settings.get(0).batchSize()).isEqualTo(2);
            assertThat(engines.get(r).last().plans).hasSize(3);
        }
        // rank 0's own sinks only (jsonl and csv), and one checkpoint per save point, not two
        assertThat(sinks).hasSize(2);
        assertThat(sinks.get(0).records).hasSize(3);
        assertThat(store.steps()).containsExactly(2L, 3L);
        // after 3 steps of 4 images the workers read positions 0..11: rank 0 stopped after 10, rank 1 after 11;
        // the checkpoint holds 12, where any number of workers resumes
        assertThat(store.saved.get(1).metadata().get(CheckpointKeys.POSITION)).isEqualTo("12");
    }

    @Test
    void anEpochEndsForEveryWorkerWhenOneWorkersShardRunsOut() throws Exception {
        // 7 images: rank 0 holds positions 0, 2, 4, 6 (two half batches), rank 1 holds 1, 3, 5 (one)
        List<Summary> summaries = runBoth(config(2, 0, 0), 7);
        assertThat(summaries.get(0).steps()).isEqualTo(2);
        assertThat(summaries.get(1).steps()).isEqualTo(2);
        // without agreement rank 0 would take both steps in epoch 0
        assertThat(sinks.get(0).records).extracting(m -> m.epoch()).containsExactly(0L, 1L);
    }

    /** Batches of one shard: image p (in identity order) is a 1x1 pixel of value p; no unreadable images. */
    private record ShardSource(int n, int batchSize, Shard shard) implements BatchSource {
        public String describe() {
            return "positions of " + shard;
        }

        public BatchStream open(long seed, long epoch, long start) {
            return new BatchStream() {
                long next = start + Math.floorMod(shard.index() - start, (long) shard.count());
                long position = start;

                public boolean hasNext() {
                    return next + (long) (batchSize - 1) * shard.count() < n;
                }

                public MultiCropBatch next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    float[] data = new float[2 * batchSize * 3];
                    for (int b = 0; b < batchSize; b++) {
                        for (int c = 0; c < 2; c++) {
                            for (int ch = 0; ch < 3; ch++) data[(c * batchSize + b) * 3 + ch] = next;
                        }
                        position = next + 1;
                        next += shard.count();
                    }
                    return new MultiCropBatch(List.of(Tensor.of(data, 2 * batchSize, 3, 1, 1)), batchSize);
                }

                public Map<String, Long> skipped() {
                    return Map.of();
                }

                public long position() {
                    return position;
                }

                public void close() {
                }
            };
        }
    }
}
