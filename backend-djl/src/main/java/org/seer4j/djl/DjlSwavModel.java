package org.seer4j.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.config.ConfigException;
import org.seer4j.core.distributed.Replicas;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.Features;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.OpKind;
import org.seer4j.core.port.ProfiledStep;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.StepResult;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.swav.DistributedSinkhornKnopp;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;
import org.seer4j.djl.SwavNetwork.BnMode;

/**
 * A RegNet + SwAV model on DJL's PyTorch engine. Weights live in one long-lived manager; every step works in a
 * sub-manager closed after the update, so activations and gradients never accumulate.
 */
final class DjlSwavModel implements SwavModel {
    static final String PROTOTYPES = "prototypes.weight";
    /** Memory layout of activations; -Dseer4j.djl.channelsLast=false falls back to NCHW. */
    static boolean CHANNELS_LAST = !"false".equals(System.getProperty("seer4j.djl.channelsLast"));

    private final ModelDefinition definition;
    private final EngineSettings settings;
    private final PtNDManager manager;
    private final ModelParameters params;
    private final SwavNetwork network;
    private final SgdLarcOptimizer optimizer;
    /** Data-parallel peers: gradients and the loss are averaged over them, Sinkhorn spans their batches. */
    private final Collective collective;
    /** The sharded-state update (backend.shard_optimizer_state with several workers), else null. */
    private final ShardedUpdate sharded;
    private final QueueBank queues;
    private boolean prototypesNormalized;
    /** Rows this close to unit length count as normalised (float32 rounding of a normalised row is ~1e-7). */
    private static final double UNIT_NORM_SLACK = 1e-6;
    /** Runs between the forward pass and backward (tests force a garbage collection there). */
    private Runnable beforeBackward = () -> { };
    /**
     * Whether a step differentiates the trunk segment by segment, applying and freeing each segment's gradients at
     * once (see {@link SegmentedTrunk}); SyncBN cuts the graph at every BN for its own backward, so it keeps the
     * whole-graph pass. Tests switch it off to compare against the plain path.
     */
    private boolean segmented;
    /** Regions of the step being profiled; {@link StepTimeline#OFF} otherwise. */
    private StepTimeline timeline = StepTimeline.OFF;
    /** Made on the first step that runs crop groups side by side (see {@link #cropGroupThread}). */
    private CropGroupThread cropGroups;

    /** Embeddings and scores of every crop, crop-major ([crops * batch, D] and [crops * batch, K]). */
    private record Forward(PtNDArray embeddings, PtNDArray scores, int crops, int batch) {
    }

    /** A loss with the codes it was computed from. */
    private record Evaluated(PtNDArray loss, List<PtNDArray> codes, Forward forward, long forwardNanos,
                             long sinkhornNanos) {
    }

    /** Takes ownership of {@code manager}: closing the model frees every array it holds. */
    DjlSwavModel(ModelDefinition definition, EngineSettings settings, Map<String, Tensor> initialWeights,
                 PtNDManager manager, DataType dataType) {
        this(definition, settings, TensorReader.of(initialWeights), manager, dataType);
    }

    /** As above, filling the weights chunk by chunk from {@code initialWeights} (any subset of the layout). */
    DjlSwavModel(ModelDefinition definition, EngineSettings settings, TensorReader initialWeights,
                 PtNDManager manager, DataType dataType) {
        this.definition = definition;
        this.settings = settings;
        this.manager = manager;
        this.params = new ModelParameters(manager, dataType);
        this.network = new SwavNetwork(definition, params);
        this.optimizer = settings.optim() == null ? null
                : new SgdLarcOptimizer(settings.optim(), manager, swavParameters());
        this.collective = settings.collective() == null ? Collective.SINGLE : settings.collective();
        this.queues = new QueueBank(manager, dataType, settings.swav() == null ? 0 : settings.queue().rowsPerWorker());
        int syncBnWorkers = settings.syncBnWorkers();
        if (syncBnWorkers > 1) network.synchronizeBatchNorm(new SyncBatchNorm(collective, syncBnWorkers));
        if (settings.activationCheckpointing() && syncBnWorkers > 1) {
            throw new ConfigException("train.activation_checkpointing", "the DJL engine cannot recompute "
                    + "activations under synchronised BN (backend.sync_bn_group_size); switch one of them off");
        }
        this.segmented = syncBnWorkers == 1;
        params.load(initialWeights);
        this.sharded = settings.shardOptimizerState() && collective.worldSize() > 1 && optimizer != null
                ? new ShardedUpdate(swavParameters(), collective, params, optimizer) : null;
        // a worker reserves momentum only for the tensors it owns
        if (sharded != null) optimizer.keepOnly(sharded::owns);
        if (collective.worldSize() > 1) {
            // every replica starts from rank 0's weights, whatever each was initialised with
            params.load(Replicas.broadcast(params.toTensors(), collective));
        }
    }

    /**
     * The step under libtorch's profiler (with input shapes), its trace read back by {@link TorchProfile}; the
     * model marks the regions it knows (data, head, Sinkhorn, update) on a {@link StepTimeline}.
     */
    @Override
    public ProfiledStep profiledStep(MultiCropBatch batch, StepPlan plan) {
        Path trace = null;
        try {
            trace = Files.createTempFile("seer4j-torch-profile", ".json");
            timeline = StepTimeline.recording();
            JniUtils.startProfile(false, true, false);
            long start = System.nanoTime();
            StepResult r;
            try {
                r = step(batch, plan);
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            long wall = System.nanoTime() - start;
            return new ProfiledStep(r, new TorchProfile(weightKinds()).read(trace, start, wall, timeline.regions()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read libtorch's profile", e);
        } finally {
            timeline = StepTimeline.OFF;
            if (trace != null) {
                try {
                    Files.deleteIfExists(trace);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    /** What each weight shape is, for telling convolutions and matrix products apart in a profile. */
    private Map<List<Long>, OpKind> weightKinds() {
        Map<List<Long>, OpKind> kinds = new HashMap<>();
        for (ModelParameters.Entry e : params.trainable()) {
            long[] shape = e.shape().getShape();
            if (shape.length < 2) continue;
            String n = e.name();
            OpKind kind = n.startsWith("stem.") ? OpKind.STEM_CONV
                    : n.contains(".f.b.") ? OpKind.GROUPED_CONV_3X3
                    : n.contains(".f.se.") ? OpKind.SQUEEZE_EXCITATION
                    : n.contains(".f.a.") || n.contains(".f.c.") || n.contains(".proj.") ? OpKind.CONV_1X1
                    : OpKind.HEAD;
            List<Long> dims = java.util.Arrays.stream(shape).boxed().toList();
            kinds.putIfAbsent(dims, kind);
            // 1x1 kernels run as matrix products of [out, in]
            if (shape.length == 4 && shape[2] == 1 && shape[3] == 1) kinds.putIfAbsent(dims.subList(0, 2), kind);
        }
        return kinds;
    }

    @Override
    public StepResult step(MultiCropBatch batch, StepPlan plan) {
        requireTraining();
        if (sharded != null) sharded.release();
        return segmented ? segmentedStep(batch, plan) : wholeGraphStep(batch, plan);
    }

    /**
     * A step whose backward goes segment by segment from the head down the trunk; each segment's parameters are
     * updated, and their gradients freed, as soon as its backward is done. The update is the same as the
     * whole-graph step's: the loss (agreed across workers) is known to be finite before any weight moves, a
     * segment's gradient is complete once its own backward is done (nothing below it contributes), and its weights
     * are no longer needed by the segments still to be differentiated. Data-parallel workers average each
     * segment's gradients in the same order, so the all-reduces pair up.
     */
    private StepResult segmentedStep(MultiCropBatch batch, StepPlan plan) {
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            try (Autograd autograd = new Autograd()) {
                SegmentedTrunk trunk = new SegmentedTrunk(network, step, settings.activationCheckpointing(),
                        cropGroupThread());
                long[] updateNanos = {0};
                double loss;
                long forwardNanos;
                long sinkhornNanos;
                long b0;
                List<PtNDArray> trunkGradients;
                // the head's arrays and graph go as soon as its backward is done
                try (PtNDManager head = (PtNDManager) step.newSubManager()) {
                    List<PtNDArray> leaves = new ArrayList<>();
                    Evaluated e = evaluate(step, batch, plan, BnMode.TRAIN, null, trunk, head, leaves);
                    forwardNanos = e.forwardNanos();
                    sinkhornNanos = e.sinkhornNanos();
                    loss = agreedLoss(e.loss(), plan.iteration());
                    // Only a finite step leaves traces in the model: BN statistics, the queue, then the weights.
                    network.commitRunningStatistics();
                    if (fillsQueue(plan)) Grad.withoutGradient(() -> queues.push(assigningRows(e.forward().embeddings(), e.forward().batch())));
                    beforeBackward.run();
                    b0 = System.nanoTime();
                    long h = timeline.start();
                    autograd.backward(e.loss(), false);
                    timeline.end(OpKind.HEAD, true, h);
                    applySegment(step, headParameters(), plan, null, updateNanos);
                    trunkGradients = leafGradients(leaves, step);
                }
                trunk.backward(trunkGradients, s -> applySegment(step, entries(network.segmentParameters(s)), plan,
                        null, updateNanos));
                // SwAV normalises at the start of the next iteration; doing it now gives the same forward passes
                // and keeps a later failed step from touching the weights at all.
                long n = timeline.start();
                normalizePrototypes();
                timeline.end(OpKind.OPTIMIZER, false, n);
                long backward = System.nanoTime() - b0 - updateNanos[0];
                return new StepResult(loss, forwardNanos, sinkhornNanos, backward, updateNanos[0]);
            } finally {
                network.discardRunningStatistics();
                freeGradients();
            }
        }
    }

    /**
     * The thread that runs the smaller crop groups beside the first on CPU, or null where they go one after the
     * other: on a GPU, when recomputing activations (both groups' segments would be alive at once), and in profiled
     * steps (libtorch's profiler records the calling thread only).
     */
    private CropGroupThread cropGroupThread() {
        if (!Device.cpu().equals(manager.getDevice()) || settings.activationCheckpointing() || timeline != StepTimeline.OFF
                || !Boolean.parseBoolean(System.getProperty("seer4j.djl.parallelCropGroups", "true"))) {
            return null;
        }
        if (cropGroups == null) cropGroups = new CropGroupThread();
        return cropGroups;
    }

    /** Passes handed to the crop-group thread so far (0 when steps ran the groups in turn). */
    long cropGroupTasks() {
        return cropGroups == null ? 0 : cropGroups.tasks();
    }

    /** Arrays the model's manager and its sub-managers hold (a step must leave their number as it found it). */
    int arraysHeld() {
        return manager.getManagedArrays().size();
    }

    /**
     * Averages (data-parallel) and applies the gradients of {@code entries}, or copies them into {@code into}
     * when given, then frees them.
     */
    private void applySegment(PtNDManager step, List<ModelParameters.Entry> entries, StepPlan plan,
                              Map<String, Tensor> into, long[] nanos) {
        long t0 = System.nanoTime();
        long region = timeline.start();
        if (sharded != null && into == null) {
            Grad.withoutGradient(() -> {
                shardedUpdate(step, entries, plan);
                for (ModelParameters.Entry p : entries) params.freeGradient(p);
            });
            timeline.end(OpKind.OPTIMIZER, false, region);
            nanos[0] += System.nanoTime() - t0;
            return;
        }
        Map<String, PtNDArray> averaged = null;
        if (collective.worldSize() > 1 && into == null) {
            averaged = new LinkedHashMap<>();
            averageGradients(step, entries, averaged);
        }
        Map<String, PtNDArray> gradients = averaged;
        Grad.withoutGradient(() -> {
            for (ModelParameters.Entry p : entries) {
                PtNDArray g = gradients != null ? gradients.get(p.name()) : JniUtils.getGradient(p.array());
                if (g == null) continue;
                g.attach(step);
                if (into != null) {
                    into.put(p.name(), Convert.toTensor(g));
                } else if (!(plan.freezePrototypes() && PROTOTYPES.equals(p.name()))) {
                    if (PROTOTYPES.equals(p.name())) prototypesNormalized = false;
                    optimizer.update(p.name(), p.kind(), p.array(), g, plan.lr());
                }
                g.close();
                params.freeGradient(p);
            }
        });
        timeline.end(OpKind.OPTIMIZER, false, region);
        nanos[0] += System.nanoTime() - t0;
    }

    /** The gradients of the head's input leaves (one per crop group), moved to {@code owner}. */
    private static List<PtNDArray> leafGradients(List<PtNDArray> leaves, PtNDManager owner) {
        List<PtNDArray> grads = new ArrayList<>();
        for (PtNDArray leaf : leaves) {
            PtNDArray g = JniUtils.getGradient(leaf);
            g.attach(owner);
            grads.add(g);
        }
        return grads;
    }

    /** The trainable tensors outside the trunk that the SwAV loss reaches: head and prototypes. */
    private List<ModelParameters.Entry> headParameters() {
        java.util.Set<String> trunk = new java.util.HashSet<>();
        for (int s = 0; s < network.segments(); s++) trunk.addAll(network.segmentParameters(s));
        return swavParameters().stream().filter(e -> !trunk.contains(e.name())).toList();
    }

    private List<ModelParameters.Entry> entries(List<String> names) {
        return names.stream().map(params::entry).toList();
    }

    /** The step that differentiates the whole graph at once (SyncBN needs it), then updates every tensor. */
    private StepResult wholeGraphStep(MultiCropBatch batch, StepPlan plan) {
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            try (Autograd autograd = new Autograd()) {
                Evaluated e = evaluate(step, batch, plan, BnMode.TRAIN, null, null, null, null);
                double loss = agreedLoss(e.loss(), plan.iteration());
                // Only a finite step leaves traces in the model: BN statistics, the queue, then the weights.
                network.commitRunningStatistics();
                if (fillsQueue(plan)) Grad.withoutGradient(() -> queues.push(assigningRows(e.forward().embeddings(), e.forward().batch())));
                beforeBackward.run();
                long b0 = System.nanoTime();
                backward(autograd, e.loss());
                long backward = System.nanoTime() - b0;
                long u0 = System.nanoTime();
                long region = timeline.start();
                if (sharded != null) {
                    Grad.withoutGradient(() -> shardedUpdate(step, swavParameters(), plan));
                } else {
                    Map<String, PtNDArray> averaged = null;
                    if (collective.worldSize() > 1) {
                        averaged = new LinkedHashMap<>();
                        averageGradients(step, swavParameters(), averaged);
                    }
                    Map<String, PtNDArray> gradients = averaged;
                    Grad.withoutGradient(() -> update(step, plan, gradients));
                }
                // SwAV normalises at the start of the next iteration; doing it now gives the same forward passes
                // and keeps a later failed step from touching the weights at all.
                normalizePrototypes();
                timeline.end(OpKind.OPTIMIZER, false, region);
                long update = System.nanoTime() - u0;
                return new StepResult(loss, e.forwardNanos(), e.sinkhornNanos(), backward, update);
            } finally {
                network.discardRunningStatistics();
                discardSyncBnTape();
                freeGradients();
            }
        }
    }

    @Override
    public LossAndGradients lossAndGradients(MultiCropBatch batch, StepPlan plan) {
        return lossAndGradients(batch, plan, null);
    }

    /**
     * Loss and gradients with BN running statistics untouched; {@code fixedCodes} (one [B, K] tensor per assigning
     * crop) replace Sinkhorn when given, so finite differences see the same targets the gradient treats as constant.
     */
    LossAndGradients lossAndGradients(MultiCropBatch batch, StepPlan plan, List<Tensor> fixedCodes) {
        requireTraining();
        if (settings.activationCheckpointing()) return recomputedLossAndGradients(batch, plan, fixedCodes);
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            try (Autograd autograd = new Autograd()) {
                Evaluated e = evaluate(step, batch, plan, BnMode.TRAIN_FROZEN_STATS, fixedCodes, null, null, null);
                double loss = checkedLoss(e.loss(), plan.iteration());
                backward(autograd, e.loss());
                Map<String, Tensor> grads = new LinkedHashMap<>();
                for (ModelParameters.Entry p : swavParameters()) {
                    PtNDArray g = JniUtils.getGradient(p.array());
                    if (g == null) continue;
                    g.attach(step);
                    grads.put(p.name(), Convert.toTensor(g));
                }
                return new LossAndGradients(loss, grads);
            } finally {
                discardSyncBnTape();
                freeGradients();
            }
        }
    }

    /** {@link #lossAndGradients} through the recomputing trunk: the gradients activation checkpointing yields. */
    private LossAndGradients recomputedLossAndGradients(MultiCropBatch batch, StepPlan plan, List<Tensor> fixedCodes) {
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            try (Autograd autograd = new Autograd()) {
                SegmentedTrunk trunk = new SegmentedTrunk(network, step, true);
                Map<String, Tensor> grads = new LinkedHashMap<>();
                long[] nanos = {0};
                double loss;
                List<PtNDArray> trunkGradients;
                try (PtNDManager head = (PtNDManager) step.newSubManager()) {
                    List<PtNDArray> leaves = new ArrayList<>();
                    Evaluated e = evaluate(step, batch, plan, BnMode.TRAIN_FROZEN_STATS, fixedCodes, trunk, head,
                            leaves);
                    loss = checkedLoss(e.loss(), plan.iteration());
                    autograd.backward(e.loss(), false);
                    applySegment(step, headParameters(), plan, grads, nanos);
                    trunkGradients = leafGradients(leaves, step);
                }
                trunk.backward(trunkGradients, s -> applySegment(step, entries(network.segmentParameters(s)), plan,
                        grads, nanos));
                Map<String, Tensor> ordered = new LinkedHashMap<>();
                for (ModelParameters.Entry p : swavParameters()) {
                    if (grads.containsKey(p.name())) ordered.put(p.name(), grads.get(p.name()));
                }
                return new LossAndGradients(loss, ordered);
            } finally {
                freeGradients();
            }
        }
    }

    /** The codes Sinkhorn gives for the current weights and batch (for gradient checks). */
    List<Tensor> codes(MultiCropBatch batch, StepPlan plan) {
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            Evaluated e = evaluate(step, batch, plan, BnMode.TRAIN_FROZEN_STATS, null, null, null, null);
            return e.codes().stream().map(Convert::toTensor).toList();
        }
    }

    /** Every crop's scores [B, K] from a forward pass with frozen running statistics (for checks). */
    List<Tensor> scores(MultiCropBatch batch) {
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            List<Tensor> out = new ArrayList<>();
            Grad.withoutGradient(() -> {
                normalizePrototypes();
                Forward f = forward(step, batch, BnMode.TRAIN_FROZEN_STATS, null, null, null);
                int b = f.batch();
                for (int c = 0; c < f.crops(); c++) {
                    out.add(Convert.toTensor((PtNDArray) f.scores().get(new NDIndex((long) c * b + ":" + (long) (c + 1) * b))));
                }
            });
            return out;
        }
    }

    /**
     * Forward, codes and loss. With a {@code trunk}, the trunk runs through it and the head starts from leaves
     * (added to {@code leaves}, owned by {@code head}) whose gradients feed the trunk's backward.
     */
    private Evaluated evaluate(PtNDManager step, MultiCropBatch batch, StepPlan plan, BnMode mode,
                               List<Tensor> fixedCodes, SegmentedTrunk trunk, PtNDManager head,
                               List<PtNDArray> leaves) {
        long t0 = System.nanoTime();
        normalizePrototypes();
        timeline.end(OpKind.OPTIMIZER, false, t0);
        Forward f = forward(step, batch, mode, trunk, head, leaves);
        long t1 = System.nanoTime();
        List<Integer> assign = settings.views().assignCrops();
        List<PtNDArray> codes = new ArrayList<>();
        if (fixedCodes != null) {
            for (Tensor c : fixedCodes) codes.add(Convert.toArray(step, c, params.dataType()));
        } else {
            codes = sinkhorn(f, plan);
        }
        long t2 = System.nanoTime();
        timeline.end(OpKind.SINKHORN, false, t1);
        PtNDArray loss = SwavLossOps.loss(f.scores(), f.crops(), f.batch(), assign, codes,
                settings.swav().temperature());
        timeline.end(OpKind.HEAD, false, t2);
        return new Evaluated(loss, codes, f, t1 - t0 + (System.nanoTime() - t2), t2 - t1);
    }

    /**
     * Gradients of the local loss into every parameter. With SyncBN the graph is cut at each BN: the pass from the
     * loss keeps the graph, then the BN layers are differentiated one by one, last to first (see
     * {@link SyncBatchNorm}); without, one plain pass.
     */
    private void backward(Autograd autograd, PtNDArray loss) {
        SyncBatchNorm sync = network.syncBatchNorm();
        autograd.backward(loss, sync != null);
        if (sync != null) sync.backward();
    }

    private void discardSyncBnTape() {
        if (network.syncBatchNorm() != null) network.syncBatchNorm().discard();
    }

    private Forward forward(PtNDManager step, MultiCropBatch batch, BnMode mode, SegmentedTrunk trunk,
                            PtNDManager head, List<PtNDArray> leaves) {
        discardSyncBnTape(); // a pass that was never differentiated (codes, scores) leaves nothing behind
        List<PtNDArray> pooled = new ArrayList<>();
        if (trunk == null) {
            for (Tensor group : batch.groups()) {
                PtNDArray images = images(step, group);
                pooled.add(network.trunk(images, mode));
            }
        } else {
            List<PtNDArray> images = new ArrayList<>();
            for (Tensor group : batch.groups()) images.add(images(step, group));
            List<PtNDArray> outputs = trunk.forward(images, mode);
            long h = timeline.start();
            for (PtNDArray out : outputs) {
                PtNDArray leaf = JniUtils.detachGradient(out);
                leaf.attach(head);
                leaf.setRequiresGradient(true);
                leaves.add(leaf);
                pooled.add(Ops.globalAvgPool(leaf));
            }
            timeline.end(OpKind.HEAD, false, h);
        }
        long h = timeline.start();
        PtNDArray features = pooled.size() == 1 ? pooled.get(0) : JniUtils.cat(pooled.toArray(new PtNDArray[0]), 0);
        PtNDArray z = network.embed(features, mode);
        PtNDArray scores = Ops.linear(z, params.get(PROTOTYPES), null);
        timeline.end(OpKind.HEAD, false, h);
        return new Forward(z, scores, batch.totalCrops(), batch.batchSize());
    }

    /** Codes of the assigning crops under no gradient, with the queue's scores when the plan says so. */
    private List<PtNDArray> sinkhorn(Forward f, StepPlan plan) {
        List<PtNDArray> codes = new ArrayList<>();
        Grad.withoutGradient(() -> {
            List<PtNDArray> assigning = assigningRows(f.scores(), f.batch());
            for (int i = 0; i < assigning.size(); i++) {
                PtNDArray scores = assigning.get(i);
                if (plan.useQueue()) {
                    if (!fillsQueue(plan) || !queues.full()) {
                        throw new IllegalStateException("step " + plan.iteration() + " asks for the queue, but it "
                                + "holds " + queues.rowsPushed() + " of its " + settings.queue().rowsPerWorker()
                                + " rows (swav.queue_length = " + settings.swav().queueLength() + " over "
                                + collective.worldSize() + " workers)");
                    }
                    PtNDArray queueScores = queues.scores(i, params.get(PROTOTYPES), (PtNDManager) scores.getManager());
                    scores = JniUtils.cat(new PtNDArray[] {scores, queueScores}, 0);
                }
                codes.add(collective.worldSize() > 1
                        ? distributedCodes(scores, f.batch())
                        : SwavLossOps.codes(scores, f.batch(), settings.swav().epsilon(),
                        settings.swav().sinkhornIterations()));
            }
        });
        return codes;
    }

    /** The assigning crops' rows of a crop-major [crops * B, X] array, detached. */
    private List<PtNDArray> assigningRows(PtNDArray all, int b) {
        List<PtNDArray> rows = new ArrayList<>();
        for (int c : settings.views().assignCrops()) {
            rows.add((PtNDArray) all.get(new NDIndex((long) c * b + ":" + (long) (c + 1) * b)).stopGradient());
        }
        return rows;
    }

    /**
     * SwAV's distributed Sinkhorn on the host, in double precision: the sums span every worker's batch and queue
     * (see {@link DistributedSinkhornKnopp}); the first {@code b} rows are this worker's batch.
     */
    private PtNDArray distributedCodes(PtNDArray scores, int b) {
        Tensor all = Convert.toTensor(scores);
        int rows = all.dim(0);
        int k = all.dim(1);
        double[][] batch = new double[b][k];
        double[][] queue = new double[rows - b][k];
        for (int i = 0; i < rows; i++) {
            double[] row = i < b ? batch[i] : queue[i - b];
            for (int j = 0; j < k; j++) row[j] = all.get(i * k + j);
        }
        // NaN scores on any worker give NaN codes on all of them, so every loss turns NaN (agreedLoss stops them all)
        double[][] codes = DistributedSinkhornKnopp.codes(batch, queue.length == 0 ? null : queue,
                settings.swav().epsilon(), settings.swav().sinkhornIterations(), collective);
        float[] flat = new float[b * k];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) flat[i * k + j] = (float) codes[i][j];
        }
        return Convert.toArray((PtNDManager) scores.getManager(), Tensor.of(flat, b, k), params.dataType());
    }

    /**
     * Data-parallel gradient averaging: every SwAV gradient and the loss in one buffer, summed over the workers
     * and divided by their number, put into {@code averaged} (by parameter name, native arrays of the step) for the
     * optimiser. Each worker's loss is the mean over its own images, so the average is the loss (and gradient) of
     * the mean over the global batch. (Writing back with DJL's {@code set(Buffer)} would leave the gradient
     * pointing at a Java buffer that is freed once the array object is unreachable.)
     */
    private void averageGradients(PtNDManager step, List<ModelParameters.Entry> entries,
                                  Map<String, PtNDArray> averaged) {
        List<PtNDArray> grads = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int total = 0;
        for (ModelParameters.Entry p : entries) {
            PtNDArray g = JniUtils.getGradient(p.array());
            if (g == null) continue;
            g.attach(step);
            grads.add(g);
            names.add(p.name());
            total += Math.toIntExact(g.size());
        }
        float[] buffer = new float[total];
        int offset = 0;
        for (PtNDArray g : grads) {
            float[] values = g.toType(DataType.FLOAT32, false).toFloatArray();
            System.arraycopy(values, 0, buffer, offset, values.length);
            offset += values.length;
        }
        collective.allReduceSum(buffer);
        float scale = 1f / collective.worldSize();
        offset = 0;
        for (int j = 0; j < grads.size(); j++) {
            PtNDArray g = grads.get(j);
            int n = Math.toIntExact(g.size());
            float[] mean = new float[n];
            for (int i = 0; i < n; i++) mean[i] = buffer[offset + i] * scale;
            offset += n;
            averaged.put(names.get(j), Convert.toArray(step, Tensor.of(mean, Convert.toInts(g.getShape())),
                    g.getDataType()));
        }
    }

    /** The queue takes this step's embeddings from swav.queue_start_iteration on (the core's QueueSchedule). */
    private boolean fillsQueue(StepPlan plan) {
        return settings.queue().fills(plan.iteration());
    }

    /** Channels-last for float32 (oneDNN's fast layout); plain NCHW otherwise. */
    static boolean channelsLast(DataType type) {
        return CHANNELS_LAST && type == DataType.FLOAT32;
    }

    private PtNDArray images(PtNDManager step, Tensor batch) {
        long t = timeline.start();
        PtNDArray images = channelsLast(params.dataType())
                ? Convert.toChannelsLast(step, batch)
                : Convert.toArray(step, batch, params.dataType());
        timeline.end(OpKind.DATA, false, t);
        return images;
    }

    /** Whether every assigning crop's queue holds its rows (the core's QueueSchedule.full). */
    boolean queueFull() {
        return queues.full();
    }

    void beforeBackward(Runnable hook) {
        this.beforeBackward = hook;
    }

    /** One optimiser step; {@code averaged} (data-parallel) replaces this worker's own gradients when given. */
    private void update(PtNDManager step, StepPlan plan, Map<String, PtNDArray> averaged) {
        for (ModelParameters.Entry p : swavParameters()) {
            if (plan.freezePrototypes() && PROTOTYPES.equals(p.name())) continue;
            PtNDArray g = averaged != null ? averaged.get(p.name()) : JniUtils.getGradient(p.array());
            if (g == null) continue;
            if (PROTOTYPES.equals(p.name())) prototypesNormalized = false;
            g.attach(step);
            optimizer.update(p.name(), p.kind(), p.array(), g, plan.lr());
        }
    }

    /** Reduce-scatter, the update of this worker's tensors, all-gather of the weights (see ShardedUpdate). */
    private void shardedUpdate(PtNDManager step, List<ModelParameters.Entry> entries, StepPlan plan) {
        String frozen = plan.freezePrototypes() ? PROTOTYPES : null;
        if (sharded.apply(step, entries, plan.lr(), frozen).contains(PROTOTYPES)) prototypesNormalized = false;
    }

    /** The tensors the SwAV loss reaches: everything trainable except the classifier. */
    private List<ModelParameters.Entry> swavParameters() {
        return params.trainable().stream().filter(e -> !e.name().startsWith("fc.")).toList();
    }

    /** Drops every gradient (their memory goes back at once, instead of being zeroed and kept for the next step). */
    private void freeGradients() {
        for (ModelParameters.Entry p : params.trainable()) params.freeGradient(p);
    }

    /** SwAV projects the prototypes back onto the unit sphere before every forward pass, outside autograd. */
    private void normalizePrototypes() {
        // Only after a change: normalising unit rows again is not bit-exact, and frozen or merely evaluated
        // prototypes must stay exactly as they are.
        // Loaded weights that are already on the sphere (a checkpoint written after a step) are left alone too,
        // so a resumed run repeats the original bit for bit.
        if (prototypesNormalized) return;
        prototypesNormalized = true;
        PtNDArray w = params.get(PROTOTYPES);
        Grad.withoutGradient(() -> {
            if (w.getDataType() == DataType.FLOAT32) {
                try (NDArray norms = JniUtils.norm(w, 2, new int[] {1}, false);
                     NDArray low = norms.min();
                     NDArray high = norms.max()) {
                    if (Math.abs(low.getFloat() - 1) <= UNIT_NORM_SLACK
                            && Math.abs(high.getFloat() - 1) <= UNIT_NORM_SLACK) {
                        return;
                    }
                }
            }
            try (NDArray normalized = Ops.l2Normalize(w)) {
                w.subi(w).addi(normalized);
            }
        });
    }

    private static double checkedLoss(PtNDArray loss, long iteration) {
        double value = lossValue(loss);
        if (!Double.isFinite(value)) throw new NonFiniteLossException(iteration, value);
        return value;
    }

    private static double lossValue(PtNDArray loss) {
        return loss.getDataType() == DataType.FLOAT64 ? loss.getDouble() : loss.getFloat();
    }

    /**
     * The workers' mean loss, after every worker has learnt whether all losses are finite: a worker that stopped
     * alone on its own NaN would leave the others waiting in the next all-reduce until the collective timeout.
     * One worker checks its own loss; several pay one scalar all-reduce per step for the agreement.
     */
    private double agreedLoss(PtNDArray loss, long iteration) {
        if (collective.worldSize() == 1) return checkedLoss(loss, iteration);
        double local = lossValue(loss);
        double[] sum = {local};
        collective.allReduceSum(sum);
        if (!Double.isFinite(sum[0])) {
            throw new NonFiniteLossException(iteration, Double.isFinite(local) ? sum[0] : local);
        }
        return sum[0] / collective.worldSize();
    }

    private void requireTraining() {
        if (definition.prototypes() == 0 || optimizer == null || settings.views() == null || settings.swav() == null) {
            throw new IllegalStateException("this model was opened without a SwAV head, prototypes, views or "
                    + "optimiser settings, so it can only run inference");
        }
    }

    @Override
    public Features infer(Tensor images) {
        if (images.rank() != 4 || images.dim(1) != 3) {
            throw new IllegalArgumentException("images must be [N, 3, H, W], got " + images);
        }
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            Features[] out = new Features[1];
            Grad.withoutGradient(() -> {
                PtNDArray x = images(step, images);
                PtNDArray pooled = network.trunk(x, BnMode.EVAL);
                PtNDArray logits = network.logits(pooled);
                out[0] = new Features(Convert.toTensor(pooled), logits == null ? null : Convert.toTensor(logits));
            });
            return out[0];
        }
    }

    @Override
    public Map<String, Tensor> weights() {
        return params.toTensors();
    }

    @Override
    public void loadWeights(Map<String, Tensor> weights) {
        params.load(weights);
        if (weights.containsKey(PROTOTYPES)) prototypesNormalized = false;
    }

    @Override
    public TensorReader weightsReader() {
        return params.reader();
    }

    @Override
    public void loadWeights(TensorReader weights) {
        params.load(weights);
        if (weights.info(PROTOTYPES).isPresent()) prototypesNormalized = false;
    }

    /** Momentum buffers (engine memory, read in chunks) in parameter order, then the queue (small, on the heap). */
    @Override
    public TensorReader trainingStateReader() {
        List<TensorInfo> infos = new ArrayList<>();
        Map<String, PtNDArray> buffers = new LinkedHashMap<>();
        if (optimizer != null) {
            for (ModelParameters.Entry p : params.trainable()) {
                PtNDArray buf = optimizer.buffer(p.name());
                if (buf == null && sharded != null) buf = sharded.gathered(p.name());
                if (buf == null) continue;
                buffers.put("momentum." + p.name(), buf);
                infos.add(NativeChunks.info("momentum." + p.name(), buf.getShape()));
            }
        }
        TensorReader queue = TensorReader.of(queues.state());
        infos.addAll(queue.tensors());
        TensorReader momentum = NativeChunks.view(infos, buffers::get);
        return new TensorReader() {
            @Override
            public List<TensorInfo> tensors() {
                return infos;
            }

            @Override
            public void read(String name, long offset, java.nio.FloatBuffer into) {
                if (buffers.containsKey(name)) {
                    momentum.read(name, offset, into);
                } else {
                    queue.read(name, offset, into);
                }
            }
        };
    }

    @Override
    public void loadTrainingState(TensorReader state) {
        java.nio.ByteBuffer chunk = null;
        for (TensorInfo t : state.tensors()) {
            String key = t.name();
            if (!key.startsWith("momentum.")) {
                if (queues.load(key, state.readTensor(key))) continue;
                throw new IllegalArgumentException("unknown training state '" + key + "'");
            }
            if (optimizer == null) throw new IllegalArgumentException("unknown training state '" + key + "'");
            String name = key.substring("momentum.".length());
            ModelParameters.Entry p = params.entry(name);
            if (p == null || !java.util.Arrays.equals(p.shape().getShape(), t.shape())) {
                throw new IllegalArgumentException("training state '" + key + "' does not match a parameter's shape");
            }
            if (sharded != null && !sharded.owns(name)) continue; // another worker keeps it
            if (chunk == null) chunk = NativeChunks.buffer();
            NativeChunks.fill(optimizer.loadInPlace(name), state, t, chunk);
        }
    }

    /** Sharded state: rank 0 collects every worker's momentum for the checkpoint it is about to write. */
    @Override
    public void gatherTrainingState() {
        if (sharded != null) sharded.gather(swavParameters(), manager, params.dataType());
    }

    @Override
    public Map<String, Tensor> trainingState() {
        Map<String, Tensor> out = new LinkedHashMap<>(optimizer == null ? Map.of() : optimizer.state());
        if (sharded != null) {
            for (ModelParameters.Entry p : params.trainable()) {
                PtNDArray buf = sharded.gathered(p.name());
                if (buf != null) out.put("momentum." + p.name(), Convert.toTensor(buf));
            }
        }
        out.putAll(queues.state());
        return out;
    }

    @Override
    public void loadTrainingState(Map<String, Tensor> state) {
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            if (queues.load(key, e.getValue())) continue;
            if (!key.startsWith("momentum.") || optimizer == null) {
                throw new IllegalArgumentException("unknown training state '" + key + "'");
            }
            String name = key.substring("momentum.".length());
            ModelParameters.Entry p = params.entry(name);
            if (p == null || !java.util.Arrays.equals(Convert.toInts(p.shape()), e.getValue().shape())) {
                throw new IllegalArgumentException("training state '" + key + "' does not match a parameter's shape");
            }
            if (sharded != null && !sharded.owns(name)) continue; // another worker keeps it
            try (PtNDArray values = Convert.toArray(manager, e.getValue(), params.dataType())) {
                optimizer.load(name, values);
            }
        }
    }

    /** The live engine array of a parameter (tests perturb it for finite differences). */
    PtNDArray parameter(String name) {
        return params.get(name);
    }

    /** Arrays the long-lived manager holds (a leak check: constant from step to step). */
    int managedArrays() {
        return manager.getManagedArrays().size();
    }

    ModelParameters parameters() {
        return params;
    }

    /** Makes steps differentiate the whole graph at once and update afterwards: the plain path tests compare to. */
    void differentiateWholeGraph() {
        segmented = false;
    }

    @Override
    public void close() {
        if (cropGroups != null) cropGroups.close();
        manager.close();
    }
}
