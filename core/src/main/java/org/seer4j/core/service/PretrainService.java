package org.seer4j.core.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.model.Models;
import org.seer4j.core.port.BatchSource;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.Checkpoint;
import org.seer4j.core.port.CheckpointStore;
import org.seer4j.core.image.Shard;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.MetricsSink;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.StepResult;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.swav.StepPlanner;
import org.seer4j.core.usecase.PretrainUseCase;

/**
 * The SwAV pretraining loop: plan each step, hand it to the engine, log, checkpoint, resume.
 *
 * <p>A run is a pure function of its config: the data order depends only on (seed, epoch, position) and the
 * engine's state (weights, momentum, queue) is saved whole, so a run resumed from any checkpoint of its folder
 * reproduces the uninterrupted run. The engine owns the SwAV queue; the planner knows when it is full by
 * counting ({@link org.seer4j.core.swav.QueueSchedule}), since every step from {@code swav.queue_start_iteration}
 * on pushes one batch into it (each worker its own share, into its own queue of {@code queue_length / workers}).
 *
 * <p>{@link #requestStop()} (Ctrl-C) is honoured between steps: the service writes a checkpoint and returns.
 *
 * <p>Data parallel (a {@link Collective} of several workers): each worker reads its shard of every epoch with
 * {@code train.batch_size / workers} images per batch, and the engine averages over the workers. The workers agree
 * at every step on whether to go on (an epoch ends for all when any shard runs out; a stop request on any worker
 * stops all), checkpoints record the global position (the furthest any worker read), so a run resumes under any
 * number of workers, and only rank 0 writes checkpoints and metrics.
 */
public final class PretrainService implements PretrainUseCase {
    /** Checkpoints live in this sub-folder of the run folder. */
    public static final String CHECKPOINTS = "checkpoints";

    private final Engine engine;
    private final TrainingDataFactory data;
    private final CheckpointStoreFactory checkpoints;
    private final MetricsSinkFactory metrics;
    private final ProgressListener progress;
    private final Ticker ticker;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final Collective collective;
    private final CheckpointReader initialWeights;

    public PretrainService(Engine engine, TrainingDataFactory data, CheckpointStoreFactory checkpoints,
                           MetricsSinkFactory metrics, ProgressListener progress, Ticker ticker) {
        this(engine, data, checkpoints, metrics, progress, ticker, Collective.SINGLE);
    }

    public PretrainService(Engine engine, TrainingDataFactory data, CheckpointStoreFactory checkpoints,
                           MetricsSinkFactory metrics, ProgressListener progress, Ticker ticker,
                           Collective collective) {
        this(engine, data, checkpoints, metrics, progress, ticker, collective, path -> {
            throw new IOException("no reader for model.init_weights files is wired");
        });
    }

    /** @param initialWeights reads {@code model.init_weights} (safetensors or imported checkpoints) for a new run */
    public PretrainService(Engine engine, TrainingDataFactory data, CheckpointStoreFactory checkpoints,
                           MetricsSinkFactory metrics, ProgressListener progress, Ticker ticker,
                           Collective collective, CheckpointReader initialWeights) {
        this.initialWeights = java.util.Objects.requireNonNull(initialWeights, "initialWeights");
        this.collective = java.util.Objects.requireNonNull(collective, "collective");
        this.engine = engine;
        this.data = data;
        this.checkpoints = checkpoints;
        this.metrics = metrics;
        this.progress = progress;
        this.ticker = ticker;
    }

    /** Asks the running (or next) run to checkpoint and return before its next step; safe from any thread. */
    public void requestStop() {
        stopRequested.set(true);
    }

    @Override
    public Summary pretrain(Command command) {
        RunConfig config = command.config();
        int world = collective.worldSize();
        if (config.train().batchSize() % world != 0) {
            throw new ConfigException("train.batch_size", "is " + config.train().batchSize() + ", which does not"
                    + " split evenly between the " + world + " data-parallel workers");
        }
        int group = config.backend().syncBnGroupSize();
        if (group != 0 && world % group != 0) {
            throw new ConfigException("backend.sync_bn_group_size", "is " + group + ", which does not divide the "
                    + world + " data-parallel workers into equal SyncBN groups (0: one group of every worker)");
        }
        int localBatch = config.train().batchSize() / world;
        TrainingData training = world == 1 ? data.open(config)
                : data.open(config, new Shard(collective.rank(), world));
        if (training.batches().batchSize() != localBatch) {
            throw new IllegalStateException("the batch source makes batches of " + training.batches().batchSize()
                    + " images but each of the " + world + " workers needs " + localBatch + " (train.batch_size "
                    + config.train().batchSize() + ")");
        }
        long total = StepPlanner.totalSteps(config.train(), training.imagesPerEpoch());
        CheckpointStore store = checkpoints.open(command.outDir().resolve(CHECKPOINTS),
                config.train().keepCheckpoints());
        List<MetricsSink> sinks = new ArrayList<>();
        Optional<Checkpoint> latest = latest(store, command, total);
        ModelDefinition definition = Models.definition(config);
        EngineSettings settings = settings(config, collective);
        // a resumed model is built from the checkpoint's files chunk by chunk, never from the seeded weights first
        try (SwavModel model = latest.isPresent() ? engine.open(definition, settings, latest.get().weights())
                : engine.open(definition, settings)) {
            // metrics are the global step's: one writer
            if (collective.rank() == 0) {
                for (String kind : config.output().metrics()) {
                    sinks.add(metrics.open(command.outDir(), kind));
                }
            }
            Run run = new Run(command, training.batches(), total, store, model, sinks);
            if (latest.isPresent()) run.resume(latest.get());
            else run.startFromInitialWeights();
            return run.loop();
        } finally {
            for (MetricsSink s : sinks) {
                s.close();
            }
            stopRequested.set(false);
        }
    }

    /** The run folder's latest checkpoint, checked against the config before any model is built. */
    private static Optional<Checkpoint> latest(CheckpointStore store, Command command, long total) {
        Optional<Checkpoint> latest;
        try {
            latest = store.latest();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoints of " + command.outDir(), e);
        }
        if (latest.isEmpty()) {
            return latest;
        }
        Checkpoint c = latest.get();
        RunConfig config = command.config();
        long seed = CheckpointKeys.number(c.metadata(), CheckpointKeys.SEED);
        if (seed != config.train().seed()) {
            throw new ConfigException("train.seed", "is " + config.train().seed() + " but the run in "
                    + command.outDir() + " was started with seed " + seed
                    + "; resume with the same seed or pick another output folder");
        }
        if (c.step() > total) {
            throw new ConfigException("train.steps", "the run in " + command.outDir() + " already did "
                    + c.step() + " steps, more than the " + total + " configured");
        }
        return latest;
    }

    static EngineSettings settings(RunConfig config) {
        return settings(config, Collective.SINGLE);
    }

    static EngineSettings settings(RunConfig config, Collective collective) {
        return new EngineSettings(config.backend().device(), config.backend().threads(), config.train().seed(),
                config.swav(), config.optim(), config.views(), config.train().batchSize() / collective.worldSize(),
                collective, config.backend().syncBnGroupSize(), config.train().activationCheckpointing(),
                config.backend().shardOptimizerState());
    }

    /** One call's mutable state. */
    private final class Run {
        private final Command command;
        private final RunConfig config;
        private final BatchSource source;
        private final long total;
        private final CheckpointStore store;
        private final SwavModel model;
        private final List<MetricsSink> sinks;
        private final StepPlanner planner;
        private final int batchSize;
        private long step;
        private long epoch;
        private long position;
        private long lastSaved = -1;
        private final Map<String, Long> skippedBefore = new TreeMap<>();
        private BatchStream stream;

        Run(Command command, BatchSource source, long total, CheckpointStore store, SwavModel model,
            List<MetricsSink> sinks) {
            this.command = command;
            this.config = command.config();
            this.source = source;
            this.total = total;
            this.store = store;
            this.model = model;
            this.sinks = sinks;
            this.planner = StepPlanner.of(config, total);
            this.batchSize = config.train().batchSize();
        }

        /** Continues from {@code c}, whose weights the model was opened with. */
        void resume(Checkpoint c) {
            Map<String, String> m = c.metadata();
            model.loadTrainingState(c.trainingState());
            step = c.step();
            lastSaved = step;
            epoch = CheckpointKeys.number(m, CheckpointKeys.EPOCH);
            position = CheckpointKeys.number(m, CheckpointKeys.POSITION);
            m.forEach((k, v) -> {
                if (k.startsWith(CheckpointKeys.SKIPPED_PREFIX)) {
                    skippedBefore.put(k.substring(CheckpointKeys.SKIPPED_PREFIX.length()), Long.parseLong(v));
                }
            });
        }

        /**
         * A new run continues from released weights when {@code model.init_weights} names a file: the trunk (and
         * the SwAV head and prototypes when the file has them and they fit); a classifier ({@code fc.*}) is not
         * part of the network and is left out. A resumed run ignores the key: its checkpoint holds newer weights.
         */
        void startFromInitialWeights() {
            String file = config.model().initWeights();
            if (file == null) return;
            Checkpoint init;
            try {
                init = initialWeights.read(Path.of(file));
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("model.init_weights", "cannot read " + file + ": " + e.getMessage());
            }
            java.util.List<String> names = init.weights().tensors().stream().map(t -> t.name())
                    .filter(k -> !k.startsWith("fc.")).toList();
            try {
                model.loadWeights(init.weights().ordered(names));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("model.init_weights", file + " does not fit the configured model ("
                        + config.model().arch() + "): " + e.getMessage());
            }
        }

        Summary loop() {
            long seed = config.train().seed();
            long startStep = step;
            long start = ticker.nanos();
            long lastLog = start;
            long lastLogStep = step;
            double lastLoss = Double.NaN;
            boolean stopped = false;
            progress.started(step, total, source.describe());
            stream = source.open(seed, epoch, position);
            boolean freshEpoch = position == 0;
            long waitNanos = 0; // time spent waiting for batches since the last record
            try {
                while (step < total) {
                    long askedAt = ticker.nanos();
                    boolean[] goOn = agree(stream.hasNext(), stopRequested.get());
                    if (!goOn[1]) {
                        stopped = true;
                        break;
                    }
                    if (!goOn[0]) {
                        if (freshEpoch) {
                            throw new IllegalStateException("epoch " + epoch + " of " + source.describe()
                                    + " holds no full batch of " + batchSize + " images");
                        }
                        skippedBefore.putAll(skippedNow());
                        stream.close();
                        epoch++;
                        position = 0;
                        stream = source.open(seed, epoch, 0);
                        freshEpoch = true;
                        waitNanos += ticker.nanos() - askedAt;
                        continue;
                    }
                    MultiCropBatch batch = stream.next();
                    waitNanos += ticker.nanos() - askedAt;
                    StepPlan plan = planner.plan(step);
                    StepResult result = model.step(batch, plan);
                    if (!Double.isFinite(result.loss())) {
                        throw new TrainingDivergedException(step + 1, "the loss became " + result.loss()
                                + " at step " + (step + 1) + " (epoch " + epoch + ", lr " + plan.lr()
                                + "); lower optim.base_lr or raise swav.epsilon, then resume from the last checkpoint");
                    }
                    freshEpoch = false;
                    position = stream.position();
                    step++;
                    lastLoss = result.loss();
                    long now = ticker.nanos();
                    double rate = rate(step - startStep, now - start);
                    progress.stepped(new Progress(step, total, epoch, result.loss(), plan.lr(), rate,
                            rate > 0 ? (total - step) * batchSize / rate : Double.NaN));
                    if (step % config.train().logEvery() == 0 || step == total) {
                        MetricsRecord record = new MetricsRecord(step, epoch, result.loss(), plan.lr(),
                                rate(step - lastLogStep, now - lastLog), skippedNow(),
                                waitNanos / 1e6 / (step - lastLogStep));
                        waitNanos = 0;
                        for (MetricsSink s : sinks) {
                            s.record(record);
                        }
                        lastLog = now;
                        lastLogStep = step;
                    }
                    int every = config.train().checkpointEvery();
                    if (every > 0 && step % every == 0 && step < total) {
                        save();
                    }
                }
                if (step > lastSaved) {
                    save();
                }
            } finally {
                stream.close();
            }
            progress.finished(step, stopped);
            return new Summary(step, lastLoss, rate(step - startStep, ticker.nanos() - start), lastSaved, stopped);
        }

        private double rate(long steps, long nanos) {
            return nanos > 0 ? steps * (double) batchSize * 1e9 / nanos : 0;
        }

        /** Skipped images by reason over the whole run: earlier epochs (and runs) plus the open stream. */
        private Map<String, Long> skippedNow() {
            Map<String, Long> all = new TreeMap<>(skippedBefore);
            stream.skipped().forEach((k, v) -> all.merge(k, v, Long::sum));
            return all;
        }

        /**
         * Whether every worker has a next batch, and whether no worker was asked to stop: one all-reduce per step
         * keeps the workers stepping together (one process: the local answers).
         */
        private boolean[] agree(boolean hasNext, boolean stopAsked) {
            if (collective.worldSize() == 1) {
                return new boolean[] {hasNext, !stopAsked};
            }
            float[] votes = {hasNext ? 0 : 1, stopAsked ? 1 : 0};
            collective.allReduceSum(votes);
            return new boolean[] {votes[0] == 0, votes[1] == 0};
        }

        /** The furthest position any worker has read: where every worker resumes, whatever their number. */
        private long globalPosition() {
            if (collective.worldSize() == 1) {
                return position;
            }
            double[] slots = new double[collective.worldSize()];
            slots[collective.rank()] = position;
            collective.allReduceSum(slots);
            long max = 0;
            for (double v : slots) {
                max = Math.max(max, (long) v);
            }
            return max;
        }

        private void save() {
            long resumeAt = globalPosition();
            model.gatherTrainingState();
            if (collective.rank() != 0) {
                lastSaved = step;
                return;
            }
            Map<String, String> meta = new HashMap<>(command.provenance());
            meta.put(CheckpointKeys.STEP, Long.toString(step));
            meta.put(CheckpointKeys.TOTAL_STEPS, Long.toString(total));
            meta.put(CheckpointKeys.EPOCH, Long.toString(epoch));
            meta.put(CheckpointKeys.POSITION, Long.toString(resumeAt));
            meta.put(CheckpointKeys.SEED, Long.toString(config.train().seed()));
            meta.put(CheckpointKeys.ENGINE, engine.name());
            meta.put(CheckpointKeys.ENGINE_VERSION, engine.version());
            meta.put(CheckpointKeys.DATA, source.describe());
            skippedNow().forEach((k, v) -> meta.put(CheckpointKeys.SKIPPED_PREFIX + k, Long.toString(v)));
            try {
                store.save(new Checkpoint(step, model.weightsReader(), model.trainingStateReader(), meta));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the checkpoint of step " + step + " into "
                        + command.outDir().resolve(CHECKPOINTS), e);
            }
            lastSaved = step;
            progress.checkpointed(step);
        }
    }
}
