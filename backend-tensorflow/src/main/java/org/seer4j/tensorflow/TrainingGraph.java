package org.seer4j.tensorflow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.seer4j.core.config.SwavConfig;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The complete SwAV training step for one set of crop shapes, built once and run every step with that shape:
 * forward of every crop group through the shared trunk (each group with its own BN statistics, as torch SwAV
 * runs them), head on all crops together, codes, loss, then backward and optimiser piece by piece
 * ({@link BackwardGraph}: each piece's gradients applied and freed before the previous piece's backward starts)
 * and the BN running-average assigns. Every assign waits for a finiteness check of the loss and the BN batch
 * means, so a NaN step fails without touching the model.
 */
final class TrainingGraph {
    /** torch's BN momentum: running = (1 - 0.1) * running + 0.1 * batch statistic. */
    static final float BN_MOMENTUM = 0.1f;

    /** One NHWC image placeholder per crop group. */
    final List<Placeholder<TFloat32>> inputs = new ArrayList<>();
    final Placeholder<TFloat32> lr;
    final List<Placeholder<TFloat32>> queueFeeds = new ArrayList<>();
    final Operand<TFloat32> loss;
    /** L2-normalised embeddings of each assigning crop, for the queue. */
    final List<Operand<TFloat32>> assignEmbeddings = new ArrayList<>();
    /** Differentiated variables, prototypes last (internal layout), in the order {@link #gradients()} returns. */
    final List<TfVariable> gradientVariables = new ArrayList<>();
    final List<Op> bnUpdates = new ArrayList<>();

    private final Graph graph;
    private final Ops tf;
    private final String name;
    private final RegNetGraph net;
    private final VariableStore vars;
    private final UpdateGraph update;
    private final GraphCollective workers;
    /** Sharded optimiser state: who updates which tensor; null when every worker updates everything. */
    private final ShardedUpdateGraph sharded;
    private final boolean checkpointing;
    private final Operand<TFloat32> localLoss;
    private final Operand<TFloat32> protos;
    private final TfVariable protoVar;
    private final AssertThat finite;
    /** Per crop group, the input of every trunk piece and the trunk's output. */
    private final List<List<Operand<TFloat32>>> bounds = new ArrayList<>();
    /** Per trunk piece, the variables it differentiates; then the head's. */
    private final List<List<TfVariable>> pieceVars = new ArrayList<>();
    private final List<TfVariable> headVars = new ArrayList<>();
    /** Built on first use: the gradients alone (for lossAndGradients) and the step's ordered updates. */
    private List<Output<?>> gradients;
    private List<Op> updatesWithPrototypes;
    private List<Op> updatesFrozenPrototypes;
    /** The step's fetch-and-target sets run so far (whether it fills the queue, whether prototypes are frozen). */
    private final Set<List<Boolean>> ranSteps = new HashSet<>();

    /**
     * Whether the step with these fetches and targets runs for the first time: the session then optimises the graph
     * for them and builds an executor before running it.
     */
    boolean firstRunOf(boolean fillsQueue, boolean freezePrototypes) {
        return ranSteps.add(List.of(fillsQueue, freezePrototypes));
    }

    TrainingGraph(Graph graph, Ops root, String name, RegNetGraph net, VariableStore vars, UpdateGraph update,
                  SwavConfig swav, List<Integer> assignCrops, int batch, List<int[]> groupShapes,
                  GraphCollective workers, ShardedUpdateGraph sharded, boolean checkpointing) {
        this.graph = graph;
        this.tf = root.withSubScope(name);
        this.name = name;
        this.net = net;
        this.vars = vars;
        this.update = update;
        this.workers = workers;
        this.sharded = sharded;
        this.checkpointing = checkpointing;
        int embedding = net.definition().head().outWidth();
        int k = net.definition().prototypes();
        int crops = 0;
        List<RegNetGraph.BnStat> stats = new ArrayList<>();
        List<Operand<TFloat32>> pooled = new ArrayList<>();
        for (int g = 0; g < groupShapes.size(); g++) {
            int[] s = groupShapes.get(g);
            Ops tg = tf.withSubScope("group" + g);
            // NHWC: the step transposes the port's NCHW crops while copying them in (TfTensors.toTfNhwc), which
            // costs less than a transpose op on 3-channel images
            Placeholder<TFloat32> in = tg.withName("images").placeholder(TFloat32.class,
                    Placeholder.shape(TfTensors.shape(s[0], s[2], s[3], s[1])));
            inputs.add(in);
            List<Operand<TFloat32>> b = new ArrayList<>();
            b.add(in);
            for (int p = 0; p < net.pieceCount(); p++) {
                if (g == 0) vars.startRecording();
                b.add(net.piece(tg, p, b.get(p), true, stats));
                if (g == 0) pieceVars.add(differentiated(vars.stopRecording()));
            }
            bounds.add(b);
            pooled.add(RegNetGraph.pool(tg, b.get(b.size() - 1)));
            crops += s[0] / batch;
        }
        Operand<TFloat32> features = pooled.size() == 1 ? pooled.get(0) : tf.concat(pooled, tf.constant(0));
        vars.startRecording();
        Operand<TFloat32> z = RegNetGraph.l2Normalize(tf, net.head(tf.withSubScope("head"), features, true, stats));
        headVars.addAll(differentiated(vars.stopRecording()));
        net.prototypes();
        protoVar = vars.variable(RegNetGraph.PROTOTYPES);
        // SwAV normalises the prototype rows in place before every step; the gradient is taken at the result.
        protos = RegNetGraph.l2Normalize(tf, protoVar.read());
        Operand<TFloat32> scores = RegNetGraph.scores(tf, z, protos);

        List<Operand<TFloat32>> codes = new ArrayList<>();
        Ops ts = tf.withSubScope("sinkhorn");
        for (int c : assignCrops) {
            Placeholder<TFloat32> queue = ts.withName("queue" + c).placeholder(TFloat32.class,
                    Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, embedding)));
            queueFeeds.add(queue);
            Operand<TFloat32> queueScores = RegNetGraph.scores(ts, queue, ts.stopGradient(protos));
            codes.add(SwavLossGraph.codes(ts, SwavLossGraph.crop(ts, scores, c, batch), queueScores, batch, k,
                    swav.epsilon(), swav.sinkhornIterations(), workers));
            assignEmbeddings.add(SwavLossGraph.crop(tf, z, c, batch));
        }
        localLoss = SwavLossGraph.loss(tf, scores, crops, batch, k, assignCrops, codes, swav.temperature());
        // data-parallel: each worker's loss is the mean over its images; their average is the global batch's loss
        loss = workers == null ? localLoss : tf.math.mul(workers.allReduceSum(tf, localLoss), invWorld(tf));

        for (TfVariable v : vars.variables()) {
            if (isDifferentiated(v)) gradientVariables.add(v);
        }
        gradientVariables.add(protoVar);
        lr = tf.withName("lr").placeholder(TFloat32.class, Placeholder.shape(org.tensorflow.ndarray.Shape.scalar()));
        // A NaN or infinity in an image or activation reaches the batch mean of the next BN, but not always the
        // loss: oneDNN's fused BN+ReLU turns NaN into 0. So the check covers every BN's batch mean too.
        List<Operand<TFloat32>> checked = new ArrayList<>();
        checked.add(tf.reshape(loss, tf.constant(new int[] {1})));
        stats.forEach(st -> checked.add(st.batchMean()));
        finite = tf.assertThat(tf.all(tf.math.isFinite(tf.concat(checked, tf.constant(0))), tf.constant(new int[] {0})),
                List.of(loss));
        buildBnUpdates(tf.withSubScope("update").withControlDependencies(List.of(finite)), stats);
    }

    /** Trained by SwAV's step: trainable, not the classifier (evaluation trains it), not the prototypes. */
    private boolean isDifferentiated(TfVariable v) {
        return v.kind().trainable() && !v.name().startsWith("fc.") && !v.name().equals(RegNetGraph.PROTOTYPES);
    }

    private List<TfVariable> differentiated(List<TfVariable> used) {
        return used.stream().filter(this::isDifferentiated).toList();
    }

    private Operand<TFloat32> invWorld(Ops ops) {
        return ops.constant(1f / workers.worldSize());
    }

    /** The gradient of every {@link #gradientVariables} entry, in that order (no update runs). */
    List<Output<?>> gradients() {
        if (gradients == null) {
            BackwardGraph b = backward("gradients", null);
            gradients = gradientVariables.stream().map(b.gradients::get).toList();
        }
        return gradients;
    }

    /**
     * Every op of a training step but the BN averages: each piece's update, applied as backward passes it (see
     * {@link BackwardGraph}), and the prototypes' update or, while they are frozen, their renormalisation.
     */
    List<Op> updates(boolean frozenPrototypes) {
        if (updatesWithPrototypes == null) {
            Ops tu = tf.withSubScope("update");
            BackwardGraph b = backward("step", (v, grad, after) -> {
                List<Operation> deps = new ArrayList<>(after);
                deps.add(finite.op());
                Ops td = tu.withControlDependencyOps(deps);
                Supplier<Op[]> own = () -> update.apply(td, v, vars.momentumOf(v), v.read(), grad, lr, false);
                return sharded == null ? List.of(own.get()) : sharded.apply(tu, v, grad, deps, own);
            });
            Ops tp = tu.withControlDependencies(List.of(finite));
            @SuppressWarnings("unchecked")
            Operand<TFloat32> protoGrad = (Operand<TFloat32>) b.gradients.get(protoVar);
            List<Op> with = new ArrayList<>(b.updates);
            Supplier<Op[]> own = () -> update.apply(tp, protoVar, vars.momentumOf(protoVar), protos, protoGrad, lr,
                    true);
            with.addAll(sharded == null ? List.of(own.get())
                    : sharded.apply(tu, protoVar, protoGrad, List.of(finite.op()), own));
            List<Op> frozen = new ArrayList<>(b.updates);
            frozen.add(tp.assignVariableOp(protoVar.handle(), protos));
            updatesWithPrototypes = with;
            updatesFrozenPrototypes = frozen;
        }
        return frozenPrototypes ? updatesFrozenPrototypes : updatesWithPrototypes;
    }

    private BackwardGraph backward(String kind, BackwardGraph.Updater updater) {
        Ops ta = tf.withSubScope(kind).withSubScope("average");
        BackwardGraph b = new BackwardGraph(graph, tf.withSubScope(kind), name + "_" + kind, net, localLoss, bounds,
                pieceVars, headVars, protos, protoVar, checkpointing,
                g -> workers == null ? g : ta.math.mul(workers.allReduceSum(ta, g), invWorld(ta)), updater);
        for (TfVariable v : gradientVariables) {
            if (!b.gradients.containsKey(v)) throw new IllegalStateException("no gradient for " + v.name());
        }
        return b;
    }

    /** Several crop groups pass each BN in turn, so the running average folds their statistics in order. */
    private void buildBnUpdates(Ops tf, List<RegNetGraph.BnStat> stats) {
        Map<TfVariable, Operand<TFloat32>> next = new LinkedHashMap<>();
        Operand<TFloat32> keep = tf.constant(1f - BN_MOMENTUM);
        Operand<TFloat32> take = tf.constant(BN_MOMENTUM);
        for (RegNetGraph.BnStat s : stats) {
            next.put(s.runningMean(), fold(tf, next.getOrDefault(s.runningMean(), s.runningMean().read()),
                    s.batchMean(), keep, take));
            next.put(s.runningVar(), fold(tf, next.getOrDefault(s.runningVar(), s.runningVar().read()),
                    s.unbiasedBatchVar(), keep, take));
        }
        next.forEach((v, value) -> bnUpdates.add(tf.assignVariableOp(v.handle(), value)));
    }

    private static Operand<TFloat32> fold(Ops tf, Operand<TFloat32> running, Operand<TFloat32> batch,
                                          Operand<TFloat32> keep, Operand<TFloat32> take) {
        return tf.math.add(tf.math.mul(keep, running), tf.math.mul(take, batch));
    }
}
