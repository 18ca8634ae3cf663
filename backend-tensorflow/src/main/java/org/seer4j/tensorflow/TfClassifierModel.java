package org.seer4j.tensorflow;

import java.util.ArrayList;
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
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The trunk plus linear classifier of a fine-tuning in one TensorFlow graph: an inference sub-graph and a training
 * step (forward with batch-statistics BN, mean cross-entropy of the {@code fc} logits, gradients, the pretraining's
 * SGD-momentum update ops with the trunk's and the classifier's rates, BN running averages), built once with a
 * dynamic batch and image size. Every assign waits for a finiteness check of the loss.
 */
final class TfClassifierModel implements ClassifierModel {
    private static final String MOMENTUM = "momentum.";

    private final Graph graph;
    private final Session session;
    private final VariableStore vars;
    private final int classes;
    /** A zero-initialised float32 momentum buffer per trainable variable, the classifier's included. */
    private final Map<String, TfVariable> momentum = new LinkedHashMap<>();
    private final List<VariableReader> readers = new ArrayList<>();
    private final Placeholder<TFloat32> inferInput;
    private final Operand<TFloat32> inferPooled;
    private final Operand<TFloat32> inferLogits;
    private final Placeholder<TFloat32> trainInput;
    private final Placeholder<TFloat32> oneHot;
    private final Placeholder<TFloat32> trunkLr;
    private final Placeholder<TFloat32> headLr;
    private final Operand<TFloat32> loss;
    private final List<TfVariable> trained = new ArrayList<>();
    private final List<Output<?>> gradients = new ArrayList<>();
    private final List<Op> updates = new ArrayList<>();

    TfClassifierModel(ModelDefinition def, ClassifierSettings settings, GroupedConv groupedConv, TensorReader initial) {
        if (def.classes() < 1 || def.head() != null) {
            throw new IllegalArgumentException("a classifier model is a trunk with classes > 0 and no SwAV head");
        }
        this.classes = def.classes();
        this.graph = new Graph();
        Session s = null;
        try {
            Ops tf = Ops.create(graph);
            vars = new VariableStore(tf);
            RegNetGraph net = new RegNetGraph(vars, def, groupedConv);
            Ops ti = tf.withSubScope("infer");
            inferInput = ti.withName("images").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3, -1, -1)));
            inferPooled = net.trunk(ti, RegNetGraph.nchwToNhwc(ti, inferInput), false, new ArrayList<>());
            inferLogits = net.classifier(ti, inferPooled);
            Ops tm = tf.withSubScope("momentum");
            for (TfVariable v : vars.variables()) {
                if (v.kind().trainable()) {
                    momentum.put(v.name(), TfVariable.create(tm, "momentum", v.name(), v.kind(), TFloat32.class,
                            v.interchangeShape()));
                }
            }

            Ops tt = tf.withSubScope("finetune");
            trainInput = tt.withName("images").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3, -1, -1)));
            oneHot = tt.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, classes)));
            trunkLr = tt.withName("trunk_lr").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            headLr = tt.withName("head_lr").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            List<RegNetGraph.BnStat> stats = new ArrayList<>();
            Operand<TFloat32> logits = net.classifier(tt,
                    net.trunk(tt, RegNetGraph.nchwToNhwc(tt, trainInput), true, stats));
            // mean over the batch of -sum_k onehot_k log softmax(z)_k
            Operand<TFloat32> perImage = tt.sum(tt.math.mul(oneHot, tt.nn.logSoftmax(logits)), tt.constant(1));
            loss = tt.math.neg(tt.math.mean(perImage, tt.constant(0)));
            List<Output<?>> xs = new ArrayList<>();
            for (TfVariable v : vars.variables()) {
                if (v.kind().trainable()) {
                    trained.add(v);
                    xs.add(v.read());
                }
            }
            gradients.addAll(List.of(graph.addGradients("finetune_gradients", new Output<?>[] {loss.asOutput()},
                    xs.toArray(new Output<?>[0]), null)));
            ReluGradients.readOutputs(graph, "finetune_gradients/");
            UpdateGraph update = new UpdateGraph(new OptimConfig("sgd", settings.momentum(), settings.weightDecay(),
                    1.0, 256, 0.0, 0.0, 0, 0.001, false, false));
            AssertThat finite = tt.assertThat(tt.all(tt.math.isFinite(loss), tt.constant(new int[0])), List.of(loss));
            Ops tu = tt.withSubScope("update").withControlDependencies(List.of(finite));
            for (int i = 0; i < trained.size(); i++) {
                TfVariable v = trained.get(i);
                @SuppressWarnings("unchecked")
                Operand<TFloat32> g = (Operand<TFloat32>) gradients.get(i);
                updates.addAll(List.of(update.apply(tu, v, momentum.get(v.name()), v.read(), g,
                        v.name().startsWith("fc.") ? headLr : trunkLr, false)));
            }
            Operand<TFloat32> keep = tu.constant(1f - TrainingGraph.BN_MOMENTUM);
            Operand<TFloat32> take = tu.constant(TrainingGraph.BN_MOMENTUM);
            for (RegNetGraph.BnStat st : stats) {
                // each BN layer runs once per step: torch's running = 0.9 running + 0.1 batch (unbiased variance)
                updates.add(tu.assignVariableOp(st.runningMean().handle(),
                        tu.math.add(tu.math.mul(keep, st.runningMean().read()), tu.math.mul(take, st.batchMean()))));
                updates.add(tu.assignVariableOp(st.runningVar().handle(),
                        tu.math.add(tu.math.mul(keep, st.runningVar().read()), tu.math.mul(take, st.unbiasedBatchVar()))));
            }
            s = new Session(graph, SessionConfigs.of(settings.device(), settings.threads()));
            session = s;
            List<String> missing = new ArrayList<>(vars.byName().keySet());
            missing.removeAll(initial.tensors().stream().map(TensorInfo::name).toList());
            if (!missing.isEmpty()) throw new IllegalArgumentException("initial weights lack " + missing);
            VariableStore.load(session, vars.byName(), initial);
            VariableStore.zero(session, momentum.values());
        } catch (RuntimeException e) {
            if (s != null) s.close();
            graph.close();
            throw e;
        }
    }

    @Override
    public double step(Tensor images, int[] labels, double trunkRate, double headRate) {
        releaseReaders();
        try (TFloat32 x = TfTensors.toTf(images);
             TFloat32 y = TfTensors.toTf(oneHot(images, labels), labels.length, classes);
             TFloat32 lt = TFloat32.scalarOf((float) trunkRate);
             TFloat32 lh = TFloat32.scalarOf((float) headRate)) {
            Session.Runner runner = session.runner().feed(trainInput, x).feed(oneHot, y).feed(trunkLr, lt)
                    .feed(headLr, lh).fetch(loss);
            updates.forEach(runner::addTarget);
            try (Result r = runner.run()) {
                return TfTensors.scalar(r.get(0));
            } catch (TFInvalidArgumentException e) {
                // the finiteness check stopped every assign: nothing changed
                if (String.valueOf(e.getMessage()).contains("assertion failed")) return Double.NaN;
                throw e;
            }
        }
    }

    @Override
    public LossAndGradients lossAndGradients(Tensor images, int[] labels) {
        try (TFloat32 x = TfTensors.toTf(images); TFloat32 y = TfTensors.toTf(oneHot(images, labels), labels.length, classes)) {
            Session.Runner runner = session.runner().feed(trainInput, x).feed(oneHot, y).fetch(loss);
            gradients.forEach(runner::fetch);
            try (Result r = runner.run()) {
                Map<String, Tensor> grads = new LinkedHashMap<>();
                for (int i = 0; i < trained.size(); i++) {
                    TfVariable v = trained.get(i);
                    grads.put(v.name(), v.toInterchange(TfTensors.fromTf(r.get(i + 1))));
                }
                return new LossAndGradients(TfTensors.scalar(r.get(0)), grads);
            }
        }
    }

    private float[] oneHot(Tensor images, int[] labels) {
        if (images.rank() != 4 || images.dim(1) != 3) {
            throw new IllegalArgumentException("images must be [N, 3, H, W], got " + images);
        }
        if (labels.length != images.dim(0)) {
            throw new IllegalArgumentException(labels.length + " labels for " + images.dim(0) + " images");
        }
        float[] out = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " is outside [0, " + classes + ")");
            }
            out[i * classes + labels[i]] = 1f;
        }
        return out;
    }

    @Override
    public Features infer(Tensor images) {
        if (images.rank() != 4 || images.dim(1) != 3) {
            throw new IllegalArgumentException("images must be [N, 3, H, W], got " + images);
        }
        try (TFloat32 x = TfTensors.toTf(images);
             Result r = session.runner().feed(inferInput, x).fetch(inferPooled).fetch(inferLogits).run()) {
            return new Features(TfTensors.fromTf(r.get(0)), TfTensors.fromTf(r.get(1)));
        }
    }

    @Override
    public TensorReader weightsReader() {
        releaseReaders();
        VariableReader r = new VariableReader(session, vars.variables(), "");
        readers.add(r);
        return r;
    }

    @Override
    public TensorReader trainingStateReader() {
        releaseReaders();
        VariableReader r = new VariableReader(session, momentum.values(), MOMENTUM);
        readers.add(r);
        return r;
    }

    @Override
    public void loadTrainingState(TensorReader state) {
        releaseReaders();
        Map<String, TfVariable> byPrefixedName = new LinkedHashMap<>();
        momentum.forEach((name, v) -> byPrefixedName.put(MOMENTUM + name, v));
        VariableStore.load(session, byPrefixedName, state);
    }

    /** Replaces the given weights (tests nudge one value for finite differences). */
    void loadWeights(Map<String, Tensor> weights) {
        releaseReaders();
        VariableStore.load(session, vars.byName(), weights);
    }

    private void releaseReaders() {
        readers.forEach(VariableReader::release);
        readers.clear();
    }

    @Override
    public void close() {
        releaseReaders();
        session.close();
        graph.close();
    }
}
