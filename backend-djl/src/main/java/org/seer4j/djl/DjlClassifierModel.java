package org.seer4j.djl;

import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.ClassifierModel;
import org.seer4j.core.port.ClassifierSettings;
import org.seer4j.core.port.Features;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;
import org.seer4j.djl.SwavNetwork.BnMode;

/**
 * The trunk plus linear classifier of a fine-tuning on DJL's PyTorch engine: the same {@link SwavNetwork} layers
 * as pretraining (torchvision names), cross-entropy on the {@code fc} logits, and the pretraining's SGD update
 * ({@link SgdLarcOptimizer} in plain-SGD mode) with the trunk's and the classifier's learning rates. Every step
 * works in a sub-manager closed after the update.
 */
final class DjlClassifierModel implements ClassifierModel {
    private static final String MOMENTUM = "momentum.";

    private final PtNDManager manager;
    private final ModelParameters params;
    private final SwavNetwork network;
    private final SgdLarcOptimizer optimizer;
    private final int classes;

    /** Takes ownership of {@code manager}; {@code initialWeights} must hold every tensor of the model. */
    DjlClassifierModel(ModelDefinition definition, ClassifierSettings settings, TensorReader initialWeights,
                       PtNDManager manager, DataType dataType) {
        if (definition.classes() < 1 || definition.head() != null) {
            throw new IllegalArgumentException("a classifier model is a trunk with classes > 0 and no SwAV head");
        }
        this.manager = manager;
        this.classes = definition.classes();
        this.params = new ModelParameters(manager, dataType);
        this.network = new SwavNetwork(definition, params);
        // plain SGD: LARC off; the base rate is unused, the service passes each step's rates
        this.optimizer = new SgdLarcOptimizer(new OptimConfig("sgd", settings.momentum(), settings.weightDecay(),
                1.0, 256, 0.0, 0.0, 0, 0.001, false, false), manager, params.trainable());
        try {
            List<String> missing = new ArrayList<>();
            for (ModelParameters.Entry e : params.all()) {
                if (initialWeights.info(e.name()).isEmpty()) missing.add(e.name());
            }
            if (!missing.isEmpty()) throw new IllegalArgumentException("initial weights lack " + missing);
            params.load(initialWeights);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @Override
    public double step(Tensor images, int[] labels, double trunkLr, double headLr) {
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            try (Autograd autograd = new Autograd()) {
                PtNDArray loss = loss(step, images, labels, BnMode.TRAIN);
                double value = value(loss);
                if (!Double.isFinite(value)) return value; // nothing changes: the statistics are discarded below
                network.commitRunningStatistics();
                autograd.backward(loss, false);
                Grad.withoutGradient(() -> {
                    for (ModelParameters.Entry p : params.trainable()) {
                        PtNDArray g = JniUtils.getGradient(p.array());
                        if (g == null) continue;
                        g.attach(step);
                        optimizer.update(p.name(), p.kind(), p.array(), g, p.name().startsWith("fc.") ? headLr : trunkLr);
                    }
                });
                return value;
            } finally {
                network.discardRunningStatistics();
                freeGradients();
            }
        }
    }

    @Override
    public LossAndGradients lossAndGradients(Tensor images, int[] labels) {
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            try (Autograd autograd = new Autograd()) {
                PtNDArray loss = loss(step, images, labels, BnMode.TRAIN_FROZEN_STATS);
                autograd.backward(loss, false);
                Map<String, Tensor> grads = new LinkedHashMap<>();
                for (ModelParameters.Entry p : params.trainable()) {
                    PtNDArray g = JniUtils.getGradient(p.array());
                    if (g == null) continue;
                    g.attach(step);
                    grads.put(p.name(), Convert.toTensor(g));
                }
                return new LossAndGradients(value(loss), grads);
            } finally {
                freeGradients();
            }
        }
    }

    /**
     * Mean cross-entropy: {@code -(1/N) sum_i log softmax(z_i)[y_i]}, as the sum of the log-probabilities masked by
     * a one-hot matrix. The one-hot matrix and the scale are native tensors (autograd keeps them for backward; see
     * the DJL scalar note in the engine notes).
     */
    private PtNDArray loss(PtNDManager step, Tensor images, int[] labels, BnMode mode) {
        if (images.rank() != 4 || images.dim(1) != 3) {
            throw new IllegalArgumentException("images must be [N, 3, H, W], got " + images);
        }
        int n = images.dim(0);
        if (labels.length != n) throw new IllegalArgumentException(labels.length + " labels for " + n + " images");
        float[] oneHot = new float[n * classes];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " is outside [0, " + classes + ")");
            }
            oneHot[i * classes + labels[i]] = 1f;
        }
        PtNDArray x = DjlSwavModel.channelsLast(params.dataType())
                ? Convert.toChannelsLast(step, images)
                : Convert.toArray(step, images, params.dataType());
        PtNDArray logits = network.logits(network.trunk(x, mode));
        PtNDArray logP = JniUtils.logSoftmax(logits, 1, logits.getDataType());
        PtNDArray mask = Convert.toArray(step, Tensor.of(oneHot, n, classes), params.dataType());
        return (PtNDArray) mask.mul(logP).sum().mul(SwavLossOps.scalar(logP, -1.0 / n));
    }

    private static double value(PtNDArray loss) {
        return loss.getDataType() == DataType.FLOAT64 ? loss.getDouble() : loss.getFloat();
    }

    @Override
    public Features infer(Tensor images) {
        if (images.rank() != 4 || images.dim(1) != 3) {
            throw new IllegalArgumentException("images must be [N, 3, H, W], got " + images);
        }
        try (PtNDManager step = (PtNDManager) manager.newSubManager()) {
            Features[] out = new Features[1];
            Grad.withoutGradient(() -> {
                PtNDArray x = DjlSwavModel.channelsLast(params.dataType())
                        ? Convert.toChannelsLast(step, images)
                        : Convert.toArray(step, images, params.dataType());
                PtNDArray pooled = network.trunk(x, BnMode.EVAL);
                out[0] = new Features(Convert.toTensor(pooled), Convert.toTensor(network.logits(pooled)));
            });
            return out[0];
        }
    }

    @Override
    public TensorReader weightsReader() {
        return params.reader();
    }

    /** Momentum buffers (engine memory, read in chunks) in parameter order; none before the first step. */
    @Override
    public TensorReader trainingStateReader() {
        List<TensorInfo> infos = new ArrayList<>();
        Map<String, PtNDArray> buffers = new LinkedHashMap<>();
        for (ModelParameters.Entry p : params.trainable()) {
            PtNDArray buf = optimizer.buffer(p.name());
            if (buf == null) continue;
            buffers.put(MOMENTUM + p.name(), buf);
            infos.add(NativeChunks.info(MOMENTUM + p.name(), buf.getShape()));
        }
        return NativeChunks.view(infos, buffers::get);
    }

    @Override
    public void loadTrainingState(TensorReader state) {
        ByteBuffer chunk = null;
        for (TensorInfo t : state.tensors()) {
            ModelParameters.Entry p = t.name().startsWith(MOMENTUM)
                    ? params.entry(t.name().substring(MOMENTUM.length())) : null;
            if (p == null || !p.kind().trainable()) {
                throw new IllegalArgumentException("unknown training state '" + t.name() + "'");
            }
            if (!Arrays.equals(p.shape().getShape(), t.shape())) {
                throw new IllegalArgumentException("training state '" + t.name() + "' does not match its parameter's shape");
            }
            if (chunk == null) chunk = NativeChunks.buffer();
            NativeChunks.fill(optimizer.loadInPlace(p.name()), state, t, chunk);
        }
    }

    /** The live engine array of a parameter (tests perturb it for finite differences). */
    PtNDArray parameter(String name) {
        return params.get(name);
    }

    private void freeGradients() {
        for (ModelParameters.Entry p : params.trainable()) params.freeGradient(p);
    }

    @Override
    public void close() {
        manager.close();
    }
}
