package org.seer4j.core.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.finetune.FinetuneConfig;
import org.seer4j.core.finetune.LabelSubset;
import org.seer4j.core.finetune.TrainCrops;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.model.InitialWeights;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.model.Models;
import org.seer4j.core.optim.LrSchedule;
import org.seer4j.core.port.Checkpoint;
import org.seer4j.core.port.CheckpointStore;
import org.seer4j.core.port.ClassifierModel;
import org.seer4j.core.port.ClassifierSettings;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.port.ImageStream;
import org.seer4j.core.port.TensorFile;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorReader;
import org.seer4j.core.usecase.FinetuneUseCase;
import org.seer4j.core.views.Augmentation;

/**
 * Fine-tuning: the class-balanced seeded label subset ({@link LabelSubset}), epochs of augmented batches
 * ({@link TrainCrops}) in each epoch's seeded order of the source, one engine step per batch under a cosine
 * schedule, a checkpoint after every epoch and on a stop request, then top-1/top-5 of the eval-mode network on the
 * test split. Without a test split the same held-out share as {@code eval} ({@code eval.test_fraction}) is
 * excluded from training and tested on.
 *
 * <p>The run is a function of its settings: the subset, the order and every crop depend only on the seed, epoch and
 * image ids, and a checkpoint holds weights, BN statistics and momentum, so a resumed fine-tuning repeats the
 * uninterrupted one step for step.
 */
public final class FinetuneService implements FinetuneUseCase {
    public static final String CHECKPOINTS = "checkpoints";
    public static final String CLASSIFIER = "classifier.safetensors";
    static final String INIT = "finetune.init";
    static final String CLASSES = "finetune.classes";
    static final String RANDOM_INIT = "random-init";

    private final Engine engine;
    private final ImageSources sources;
    private final CheckpointReader checkpoints;
    private final CheckpointStoreFactory stores;
    private final TensorFile tensors;
    private final ProgressListener progress;
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    public FinetuneService(Engine engine, ImageSources sources, CheckpointReader checkpoints,
                           CheckpointStoreFactory stores, TensorFile tensors, ProgressListener progress) {
        this.engine = engine;
        this.sources = sources;
        this.checkpoints = checkpoints;
        this.stores = stores;
        this.tensors = tensors;
        this.progress = progress;
    }

    @Override
    public void requestStop() {
        stopRequested.set(true);
    }

    @Override
    public Result finetune(Command command) {
        RunConfig config = command.config();
        FinetuneConfig ft = command.finetune();
        long seed = config.train().seed();
        ImageSources.Splits splits = sources.labelled(config);
        boolean heldOut = splits.test() == null;
        List<LabelSubset.Labelled> pool = new ArrayList<>();
        int classes = 0;
        try (ImageStream s = splits.train().open(seed, 0)) {
            while (s.hasNext()) {
                SourceImage image = s.next();
                if (heldOut && EvaluateService.heldOut(image.id(), seed, config.eval().testFraction())) continue;
                requireLabel(image);
                pool.add(new LabelSubset.Labelled(image.id(), image.label()));
                classes = Math.max(classes, image.label() + 1);
            }
        }
        if (pool.isEmpty()) throw new IllegalArgumentException(splits.train().describe() + " holds no training image");
        Set<String> subset = LabelSubset.choose(pool, ft.labelFraction(), seed);
        int perEpoch = stepsPerEpoch(subset.size(), ft.batchSize());
        if (perEpoch == 0) {
            throw new IllegalArgumentException("the label subset holds " + subset.size() + " image(s); fine-tuning "
                    + "needs at least 2 (raise --label-fraction)");
        }
        long total = (long) perEpoch * ft.epochs();
        ModelDefinition pretrained = Models.definition(config);
        ModelDefinition definition = ModelDefinition.trunkOnly(pretrained.trunk(), pretrained.stemStride(), classes);
        int size = ft.cropSize() > 0 ? ft.cropSize() : config.views().crops().get(0).size();
        Augmentation a = config.views().augmentation();
        TrainCrops crops = new TrainCrops(size, ft.minScale(), a.mean(), a.std());
        Map<String, String> meta = new HashMap<>(command.provenance());
        meta.putAll(ft.describe());
        meta.put(INIT, command.checkpoint() == null ? RANDOM_INIT : command.checkpoint().toString());
        meta.put(CLASSES, Integer.toString(classes));
        meta.put(CheckpointKeys.SEED, Long.toString(seed));
        meta.put(CheckpointKeys.ENGINE, engine.name());
        meta.put(CheckpointKeys.ENGINE_VERSION, engine.version());
        meta.put(CheckpointKeys.DATA, splits.train().describe());
        CheckpointStore store = stores.open(command.dir().resolve(CHECKPOINTS), 2);
        Optional<Checkpoint> latest = latest(store, command.dir(), meta);
        ClassifierSettings settings = new ClassifierSettings(config.backend().device(), config.backend().threads(),
                ft.momentum(), ft.weightDecay());
        TensorReader initial = latest.isPresent() ? latest.get().weights() : initialWeights(command, definition, seed);
        LrSchedule trunkLr = new LrSchedule(ft.trunkPeakLr(), ft.trunkPeakLr(), 0, 0, total);
        LrSchedule headLr = new LrSchedule(ft.headPeakLr(), ft.headPeakLr(), 0, 0, total);
        try (ClassifierModel model = open(definition, settings, initial, command.checkpoint())) {
            long step = 0;
            if (latest.isPresent()) {
                model.loadTrainingState(latest.get().trainingState());
                step = latest.get().step();
            }
            long saved = step;
            boolean stopped = false;
            progress.started(step, total, splits.train().describe());
            long start = System.nanoTime();
            long startStep = step;
            int per = 3 * size * size;
            while (step < total && !stopped) {
                long epoch = step / perEpoch;
                long skip = (step % perEpoch) * ft.batchSize();
                try (ImageStream s = splits.train().open(seed, epoch)) {
                    float[] pixels = new float[ft.batchSize() * per];
                    int[] labels = new int[ft.batchSize()];
                    int held = 0;
                    long seen = 0;
                    long endOfEpoch = (epoch + 1) * perEpoch;
                    while (step < endOfEpoch) {
                        if (stopRequested.get()) {
                            stopped = true;
                            break;
                        }
                        boolean more = s.hasNext();
                        if (more) {
                            SourceImage image = s.next();
                            if (!subset.contains(image.id()) || seen++ < skip) continue;
                            crops.write(image.image(), image.id(), seed, epoch, pixels, held * per);
                            labels[held++] = image.label();
                        }
                        if (held == ft.batchSize() || (!more && held >= 2)) {
                            Tensor batch = Tensor.of(held == ft.batchSize() ? pixels : Arrays.copyOf(pixels, held * per),
                                    held, 3, size, size);
                            double loss = model.step(batch, held == labels.length ? labels : Arrays.copyOf(labels, held),
                                    trunkLr.at(step), headLr.at(step));
                            if (!Double.isFinite(loss)) {
                                throw new TrainingDivergedException(step + 1, "the fine-tuning loss became " + loss
                                        + " at step " + (step + 1) + "; lower --lr / --head-lr");
                            }
                            step++;
                            held = 0;
                            double rate = (step - startStep) * (double) ft.batchSize() * 1e9
                                    / Math.max(1, System.nanoTime() - start);
                            progress.stepped(new Progress(step, total, epoch, loss, trunkLr.at(step - 1), rate,
                                    rate > 0 ? (total - step) * ft.batchSize() / rate : Double.NaN));
                        } else if (!more) {
                            if (step < endOfEpoch) {
                                throw new IllegalStateException("epoch " + epoch + " of " + splits.train().describe()
                                        + " ended after " + (step % perEpoch) + " of " + perEpoch + " steps; the"
                                        + " source changed since the fine-tuning started");
                            }
                            break;
                        }
                    }
                }
                if (step > saved) {
                    save(store, model, step, total, meta, command.dir());
                    saved = step;
                }
            }
            progress.finished(step, stopped);
            if (stopped) {
                // a stop request wants the process gone soon: the checkpoint is written, testing waits for the end
                return new Result(Double.NaN, Double.NaN, subset.size(), pool.size(), 0, classes, step, total, true,
                        null);
            }
            double[] accuracy = test(model, heldOut ? splits.train() : splits.test(), heldOut, config, size, classes);
            Path classifier = command.dir().resolve(CLASSIFIER);
            Map<String, String> fileMeta = new HashMap<>(meta);
            fileMeta.put(CheckpointKeys.STEP, Long.toString(step));
            fileMeta.put("finetune.top1", Double.toString(accuracy[0]));
            fileMeta.put("finetune.top5", Double.toString(accuracy[1]));
            try {
                tensors.write(classifier, model.weightsReader(), fileMeta);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + classifier + ": " + e.getMessage(), e);
            }
            return new Result(accuracy[0], accuracy[1], subset.size(), pool.size(), (int) accuracy[2], classes,
                    step, total, stopped, classifier);
        } finally {
            stopRequested.set(false);
        }
    }

    /** Full batches, plus the last partial one when it holds at least 2 images (BN needs a batch statistic). */
    static int stepsPerEpoch(int images, int batch) {
        return images / batch + (images % batch >= 2 ? 1 : 0);
    }

    private ClassifierModel open(ModelDefinition definition, ClassifierSettings settings, TensorReader initial,
                                 Path checkpoint) {
        try {
            return engine.openClassifier(definition, settings, initial);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the weights " + (checkpoint == null ? "" : "of " + checkpoint + " ")
                    + "do not fit the configured trunk: " + e.getMessage(), e);
        }
    }

    /**
     * The pretrained trunk from the checkpoint (its SwAV head and any classifier left out) with a fresh classifier
     * (N(0, 0.01) weights, zero bias, as torchvision's RegNet); or the whole seeded initialisation.
     */
    private TensorReader initialWeights(Command command, ModelDefinition definition, long seed) {
        TensorReader seeded = InitialWeights.reader(definition, seed);
        if (command.checkpoint() == null) return seeded;
        Checkpoint c;
        try {
            c = checkpoints.read(command.checkpoint());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint " + command.checkpoint() + ": "
                    + e.getMessage(), e);
        }
        TensorReader pretrained = c.weights();
        List<org.seer4j.core.tensor.TensorInfo> infos = seeded.tensors();
        for (org.seer4j.core.tensor.TensorInfo t : infos) {
            if (t.name().startsWith("fc.")) continue;
            var found = pretrained.info(t.name());
            if (found.isEmpty()) {
                throw new IllegalArgumentException("the checkpoint " + command.checkpoint() + " lacks " + t.name()
                        + " of the configured trunk (" + command.config().model().arch() + ")");
            }
            if (!Arrays.equals(found.get().shape(), t.shape())) {
                throw new IllegalArgumentException("the checkpoint " + command.checkpoint() + " holds " + t.name()
                        + " with shape " + Arrays.toString(found.get().shape()) + ", the configured trunk ("
                        + command.config().model().arch() + ") needs " + Arrays.toString(t.shape()));
            }
        }
        return new TensorReader() {
            @Override
            public List<org.seer4j.core.tensor.TensorInfo> tensors() {
                return infos;
            }

            @Override
            public void read(String name, long offset, java.nio.FloatBuffer into) {
                (name.startsWith("fc.") ? seeded : pretrained).read(name, offset, into);
            }
        };
    }

    /** The folder's latest checkpoint, when it was made by the same fine-tuning (settings, seed, weights). */
    private static Optional<Checkpoint> latest(CheckpointStore store, Path dir, Map<String, String> meta) {
        Optional<Checkpoint> latest;
        try {
            latest = store.latest();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoints of " + dir + ": " + e.getMessage(), e);
        }
        if (latest.isEmpty()) return latest;
        Map<String, String> was = latest.get().metadata();
        for (String key : meta.keySet()) {
            boolean compared = key.startsWith("finetune.") || key.equals(CheckpointKeys.SEED);
            if (compared && !meta.get(key).equals(was.get(key))) {
                throw new IllegalArgumentException("the fine-tuning in " + dir + " was started with " + key + " = "
                        + was.get(key) + ", this one has " + meta.get(key) + "; resume with the same settings or "
                        + "pick another folder (--finetune-dir)");
            }
        }
        return latest;
    }

    private void save(CheckpointStore store, ClassifierModel model, long step, long total, Map<String, String> meta,
                      Path dir) {
        Map<String, String> m = new HashMap<>(meta);
        m.put(CheckpointKeys.STEP, Long.toString(step));
        m.put(CheckpointKeys.TOTAL_STEPS, Long.toString(total));
        try {
            store.save(new Checkpoint(step, model.weightsReader(), model.trainingStateReader(), m));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fine-tuning checkpoint of step " + step + " into "
                    + dir.resolve(CHECKPOINTS) + ": " + e.getMessage(), e);
        }
        progress.checkpointed(step);
    }

    /** Top-1, top-5 and the number of test images, on the centred eval view of each test image. */
    private static double[] test(ClassifierModel model, ImageSource source, boolean heldOut, RunConfig config,
                                 int size, int classes) {
        EvalImages views = new EvalImages(size, config.views().augmentation());
        long seed = config.train().seed();
        int per = 3 * size * size;
        int batch = Math.max(1, Math.min(256, (16 << 20) / per));
        long top1 = 0;
        long top5 = 0;
        int n = 0;
        try (ImageStream s = source.open(seed, 0)) {
            float[] pixels = new float[batch * per];
            int[] labels = new int[batch];
            int held = 0;
            while (true) {
                boolean more = s.hasNext();
                if (more) {
                    SourceImage image = s.next();
                    if (heldOut && !EvaluateService.heldOut(image.id(), seed, config.eval().testFraction())) continue;
                    requireLabel(image);
                    views.write(image.image(), pixels, held * per);
                    labels[held++] = image.label();
                }
                if (held == batch || (!more && held > 0)) {
                    Tensor logits = model.infer(Tensor.of(held == batch ? pixels : Arrays.copyOf(pixels, held * per),
                            held, 3, size, size)).logits();
                    for (int i = 0; i < held; i++) {
                        int rank = rankOf(logits, i, classes, labels[i]);
                        if (rank < 1) top1++;
                        if (rank < 5) top5++;
                    }
                    n += held;
                    held = 0;
                }
                if (!more) break;
            }
        }
        if (n == 0) throw new IllegalArgumentException(source.describe() + " holds no test image");
        return new double[] {(double) top1 / n, (double) top5 / n, n};
    }

    /**
     * How many classes rank before the true one: those scoring higher, and on a tie those with a lower index (as
     * argmax and a stable sort break ties). A label outside the classifier's classes ranks last.
     */
    static int rankOf(Tensor logits, int row, int classes, int label) {
        if (label >= classes) return classes;
        float truth = logits.get(row * classes + label);
        int above = 0;
        for (int c = 0; c < classes; c++) {
            if (c == label) continue;
            float v = logits.get(row * classes + c);
            if (v > truth || (v == truth && c < label) || Float.isNaN(v)) above++;
        }
        return above;
    }

    private static void requireLabel(SourceImage image) {
        if (image.label() < 0) {
            throw new IllegalArgumentException("image " + image.id() + " has no label; fine-tuning needs labelled "
                    + "data (data.labels, or a labelled folder)");
        }
    }
}
