package org.seer4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.Features;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.StepResult;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.djl.SwavNetwork.BnMode;

/**
 * A RegNet + SwAV model on DJL's PyTorch engine. Weights live in one long-lived manager; every step works in a
 * sub-manager closed after the update, so activations and gradients never accumulate.
 */
final class DjlSwavModel implements SwavModel {
    static final String PROTOTYPES = "prototypes.weight";
    /** Memory layout of activations; -Dseer4j.djl.channelsLast=false falls back to NCHW. */
    static boolean CHANNELS_LAST = !"false".equals(System.getProperty("seer4j.djl.channelsLast"));
    /** Training-state key of how many rows were pushed into each queue (decides when it is full). */
    static final String QUEUED_ROWS = "queue.rows_pushed";

    private final ModelDefinition definition;
    private final EngineSettings settings;
    private final PtNDManager manager;
    private final ModelParameters params;
    private final SwavNetwork network;
    private final SgdLarcOptimizer optimizer;
    private final List<PtNDArray> queues = new ArrayList<>();
    private long queuedRows;
    private boolean prototypesNormalized;
    /** Runs between the forward pass and backward (tests force a garbage collection there). */
    private Runnable beforeBackward = () -> { };

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
        this.definition = definition;
        this.settings = settings;
        this.manager = manager;
        this.params = new ModelParameters(manager, dataType);
        this.network = new SwavNetwork(definition, params);
        this.optimizer = settings.optim() == null ? null : new SgdLarcOptimizer(settings.optim(), manager);
        params.load(initialWeights);
    }

    @Override
    public StepResult step(MultiCropBatch batch, StepPlan plan) {
        requireTraining();
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                Evaluated e = evaluate(step, batch, plan, BnMode.TRAIN, null);
                double loss = checkedLoss(e.loss(), plan.iteration());
                // Only a finite step leaves traces in the model: BN statistics, the queue, then the weights.
                network.commitRunningStatistics();
                if (fillsQueue(plan)) Grad.withoutGradient(() -> pushToQueues(e.forward(), settings.views().assignCrops()));
                beforeBackward.run();
                long b0 = System.nanoTime();
                collector.backward(e.loss());
                long backward = System.nanoTime() - b0;
                long u0 = System.nanoTime();
                Grad.withoutGradient(() -> update(step, plan));
                // SwAV normalises at the start of the next iteration; doing it now gives the same forward passes
                // and keeps a later failed step from touching the weights at all.
                normalizePrototypes();
                long update = System.nanoTime() - u0;
                return new StepResult(loss, e.forwardNanos(), e.sinkhornNanos(), backward, update);
            } finally {
                network.discardRunningStatistics();
                zeroGradients();
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
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                Evaluated e = evaluate(step, batch, plan, BnMode.TRAIN_FROZEN_STATS, fixedCodes);
                double loss = checkedLoss(e.loss(), plan.iteration());
                collector.backward(e.loss());
                Map<String, Tensor> grads = new LinkedHashMap<>();
                for (ModelParameters.Entry p : swavParameters()) {
                    PtNDArray g = JniUtils.getGradient(p.array());
                    if (g == null) continue;
                    g.attach(step);
                    grads.put(p.name(), Convert.toTensor(g));
                }
                return new LossAndGradients(loss, grads);
            } finally {
                zeroGradients();
            }
        }
    }

    /** The codes Sinkhorn gives for the current weights and batch (for gradient checks). */
    List<Tensor> codes(MultiCropBatch batch, StepPlan plan) {
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            Evaluated e = evaluate(step, batch, plan, BnMode.TRAIN_FROZEN_STATS, null);
            return e.codes().stream().map(Convert::toTensor).toList();
        }
    }

    /** Every crop's scores [B, K] from a forward pass with frozen running statistics (for checks). */
    List<Tensor> scores(MultiCropBatch batch) {
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            List<Tensor> out = new ArrayList<>();
            Grad.withoutGradient(() -> {
                normalizePrototypes();
                Forward f = forward(step, batch, BnMode.TRAIN_FROZEN_STATS);
                int b = f.batch();
                for (int c = 0; c < f.crops(); c++) {
                    out.add(Convert.toTensor((PtNDArray) f.scores().get(new NDIndex((long) c * b + ":" + (long) (c + 1) * b))));
                }
            });
            return out;
        }
    }

    private Evaluated evaluate(PtNDManager step, MultiCropBatch batch, StepPlan plan, BnMode mode,
                               List<Tensor> fixedCodes) {
        long t0 = System.nanoTime();
        normalizePrototypes();
        Forward f = forward(step, batch, mode);
        long t1 = System.nanoTime();
        List<Integer> assign = settings.views().assignCrops();
        List<PtNDArray> codes = new ArrayList<>();
        if (fixedCodes != null) {
            for (Tensor c : fixedCodes) codes.add(Convert.toArray(step, c, params.dataType(), false));
        } else {
            codes = sinkhorn(f, plan);
        }
        long t2 = System.nanoTime();
        PtNDArray loss = SwavLossOps.loss(f.scores(), f.crops(), f.batch(), assign, codes,
                settings.swav().temperature());
        return new Evaluated(loss, codes, f, t1 - t0 + (System.nanoTime() - t2), t2 - t1);
    }

    private Forward forward(PtNDManager step, MultiCropBatch batch, BnMode mode) {
        List<PtNDArray> pooled = new ArrayList<>();
        for (Tensor group : batch.groups()) {
            PtNDArray images = images(step, group);
            pooled.add(network.trunk(images, mode));
        }
        PtNDArray trunk = pooled.size() == 1 ? pooled.get(0) : JniUtils.cat(pooled.toArray(new PtNDArray[0]), 0);
        PtNDArray z = network.embed(trunk, mode);
        PtNDArray scores = Ops.linear(z, params.get(PROTOTYPES), null);
        return new Forward(z, scores, batch.totalCrops(), batch.batchSize());
    }

    /** Codes of the assigning crops under no gradient, with the queue's scores when the plan says so. */
    private List<PtNDArray> sinkhorn(Forward f, StepPlan plan) {
        List<PtNDArray> codes = new ArrayList<>();
        List<Integer> assign = settings.views().assignCrops();
        int b = f.batch();
        int queueLength = settings.swav().queueLength();
        boolean queueOn = fillsQueue(plan);
        if (queueOn && queues.isEmpty()) {
            for (int i = 0; i < assign.size(); i++) {
                PtNDArray q = (PtNDArray) manager.zeros(new Shape(queueLength, f.embeddings().getShape().get(1)),
                        params.dataType());
                queues.add(q);
            }
        }
        Grad.withoutGradient(() -> {
            for (int i = 0; i < assign.size(); i++) {
                int c = assign.get(i);
                NDIndex rows = new NDIndex((long) c * b + ":" + (long) (c + 1) * b);
                PtNDArray scores = (PtNDArray) f.scores().get(rows).stopGradient();
                if (plan.useQueue()) {
                    if (!queueOn || queuedRows < queueLength) {
                        throw new IllegalStateException("step " + plan.iteration() + " asks for the queue, but it "
                                + "holds " + queuedRows + " of swav.queue_length = " + queueLength + " rows");
                    }
                    PtNDArray queueScores = Ops.linear(queues.get(i), params.get(PROTOTYPES), null);
                    queueScores.attach(scores.getManager());
                    scores = JniUtils.cat(new PtNDArray[] {scores, queueScores}, 0);
                }
                codes.add(SwavLossOps.codes(scores, b, settings.swav().epsilon(), settings.swav().sinkhornIterations()));
            }
        });
        return codes;
    }

    /** The queue takes this step's embeddings from swav.queue_start_iteration on (the core's StepPlanner rule). */
    private boolean fillsQueue(StepPlan plan) {
        return settings.swav().queueLength() > 0 && plan.iteration() >= settings.swav().queueStartIteration();
    }

    /** Newest embeddings first; the oldest batch falls off the end. */
    private void pushToQueues(Forward f, List<Integer> assign) {
        int b = f.batch();
        for (int i = 0; i < assign.size(); i++) {
            int c = assign.get(i);
            PtNDArray queue = queues.get(i);
            long length = queue.getShape().get(0);
            NDArray fresh = f.embeddings().get(new NDIndex((long) c * b + ":" + (long) (c + 1) * b)).stopGradient();
            NDArray kept = queue.get(new NDIndex("0:" + (length - b)));
            PtNDArray next = JniUtils.cat(new PtNDArray[] {(PtNDArray) fresh, (PtNDArray) kept}, 0);
            kept.close();
            PtNDArray owned = JniUtils.clone(next);
            queue.intern(owned);
        }
        queuedRows += b;
    }

    /** Channels-last for float32 on CPU (oneDNN's fast layout); plain NCHW otherwise. */
    private PtNDArray images(PtNDManager step, Tensor batch) {
        return CHANNELS_LAST && params.dataType() == DataType.FLOAT32
                ? Convert.toChannelsLast(step, batch)
                : Convert.toArray(step, batch, params.dataType(), false);
    }

    /** Whether every assigning crop's queue holds {@code swav.queue_length} rows (the planner's queueFull). */
    boolean queueFull() {
        int length = settings.swav().queueLength();
        return length > 0 && queuedRows >= length;
    }

    void beforeBackward(Runnable hook) {
        this.beforeBackward = hook;
    }

    private void update(PtNDManager step, StepPlan plan) {
        for (ModelParameters.Entry p : swavParameters()) {
            if (plan.freezePrototypes() && PROTOTYPES.equals(p.name())) continue;
            PtNDArray g = JniUtils.getGradient(p.array());
            if (g == null) continue;
            if (PROTOTYPES.equals(p.name())) prototypesNormalized = false;
            g.attach(step);
            optimizer.update(p.name(), p.kind(), p.array(), g, plan.lr());
        }
    }

    /** The tensors the SwAV loss reaches: everything trainable except the classifier. */
    private List<ModelParameters.Entry> swavParameters() {
        return params.trainable().stream().filter(e -> !e.name().startsWith("fc.")).toList();
    }

    private void zeroGradients() {
        for (ModelParameters.Entry p : params.trainable()) JniUtils.zeroGrad(p.array());
    }

    /** SwAV projects the prototypes back onto the unit sphere before every forward pass, outside autograd. */
    private void normalizePrototypes() {
        // Only after a change: normalising unit rows again is not bit-exact, and frozen or merely evaluated
        // prototypes must stay exactly as they are.
        if (prototypesNormalized) return;
        prototypesNormalized = true;
        PtNDArray w = params.get(PROTOTYPES);
        Grad.withoutGradient(() -> {
            try (NDArray normalized = Ops.l2Normalize(w)) {
                w.subi(w).addi(normalized);
            }
        });
    }

    private static double checkedLoss(PtNDArray loss, long iteration) {
        double value = loss.getDataType() == DataType.FLOAT64 ? loss.getDouble() : loss.getFloat();
        if (!Double.isFinite(value)) throw new NonFiniteLossException(iteration, value);
        return value;
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
    public Map<String, Tensor> trainingState() {
        Map<String, Tensor> out = new LinkedHashMap<>(optimizer == null ? Map.of() : optimizer.state());
        for (int i = 0; i < queues.size(); i++) out.put("queue." + i, Convert.toTensor(queues.get(i)));
        if (!queues.isEmpty()) out.put(QUEUED_ROWS, Tensor.of(new float[] {queuedRows}, 1));
        return out;
    }

    @Override
    public void loadTrainingState(Map<String, Tensor> state) {
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            if (key.equals(QUEUED_ROWS)) {
                queuedRows = (long) e.getValue().get(0);
                continue;
            }
            PtNDArray array = Convert.toArray(manager, e.getValue(), params.dataType(), true);
            if (key.startsWith("momentum.")) {
                String name = key.substring("momentum.".length());
                ModelParameters.Entry p = params.entry(name);
                if (p == null || !p.shape().equals(array.getShape())) {
                    array.close();
                    throw new IllegalArgumentException("training state '" + key + "' does not match a parameter");
                }
                optimizer.load(name, array);
            } else if (key.startsWith("queue.")) {
                int i = Integer.parseInt(key.substring("queue.".length()));
                while (queues.size() <= i) queues.add(null);
                if (queues.get(i) != null) queues.get(i).close();
                queues.set(i, array);
            } else {
                array.close();
                throw new IllegalArgumentException("unknown training state '" + key + "'");
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

    @Override
    public void close() {
        manager.close();
    }
}
