package org.seer4j.tensorflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.config.SwavConfig;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The complete SwAV training step for one set of crop shapes, built once and run every step with that shape:
 * forward of every crop group through the shared trunk (each group with its own BN statistics, as torch SwAV
 * runs them), head on all crops together, codes, loss, gradients, optimiser and BN running-average assigns.
 * Every assign waits for a finiteness check of the loss, so a NaN step fails without touching the model.
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
    /** Differentiated variables, prototypes last, and their gradients (internal layout). */
    final List<TfVariable> gradientVariables = new ArrayList<>();
    final List<Output<?>> gradients = new ArrayList<>();
    final List<Op> bnUpdates = new ArrayList<>();
    final List<Op> updatesWithPrototypes = new ArrayList<>();
    final List<Op> updatesFrozenPrototypes = new ArrayList<>();

    TrainingGraph(Graph graph, Ops root, String name, RegNetGraph net, VariableStore vars, UpdateGraph update,
                  SwavConfig swav, List<Integer> assignCrops, int batch, List<int[]> groupShapes,
                  GraphCollective workers, boolean checkpointing) {
        Ops tf = root.withSubScope(name);
        int embedding = net.definition().head().outWidth();
        int k = net.definition().prototypes();
        int crops = 0;
        List<RegNetGraph.BnStat> stats = new ArrayList<>();
        List<Operand<TFloat32>> pooled = new ArrayList<>();
        // per group, the input of every trunk segment and the trunk's output: what checkpointing keeps
        List<List<Operand<TFloat32>>> bounds = new ArrayList<>();
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
            for (int i = 0; i < net.segmentCount(); i++) {
                b.add(net.segment(tg, i, b.get(i), true, stats));
            }
            bounds.add(b);
            pooled.add(RegNetGraph.pool(tg, b.get(b.size() - 1)));
            crops += s[0] / batch;
        }
        Operand<TFloat32> features = pooled.size() == 1 ? pooled.get(0) : tf.concat(pooled, tf.constant(0));
        Operand<TFloat32> z = RegNetGraph.l2Normalize(tf, net.head(tf.withSubScope("head"), features, true, stats));
        net.prototypes();
        TfVariable protoVar = vars.variable(RegNetGraph.PROTOTYPES);
        // SwAV normalises the prototype rows in place before every step; the gradient is taken at the result.
        Operand<TFloat32> protos = RegNetGraph.l2Normalize(tf, protoVar.read());
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
        Operand<TFloat32> localLoss = SwavLossGraph.loss(tf, scores, crops, batch, k, assignCrops, codes,
                swav.temperature());
        // data-parallel: each worker's loss is the mean over its images; their average is the global batch's loss
        Operand<TFloat32> invWorld = workers == null ? null : tf.constant(1f / workers.worldSize());
        loss = workers == null ? localLoss : tf.math.mul(workers.allReduceSum(tf, localLoss), invWorld);

        List<Output<?>> xs = new ArrayList<>();
        for (TfVariable v : vars.variables()) {
            if (v.kind().trainable() && !v.name().startsWith("fc.") && v != protoVar) {
                gradientVariables.add(v);
                xs.add(v.read());
            }
        }
        gradientVariables.add(protoVar);
        xs.add(protos.asOutput());
        Output<?>[] grads = checkpointing
                ? checkpointedGradients(graph, tf, name, net, vars, localLoss, bounds, protos, protoVar)
                : graph.addGradients(name + "_gradients", new Output<?>[] {localLoss.asOutput()},
                xs.toArray(new Output<?>[0]), null);
        if (workers != null) {
            Ops ta = tf.withSubScope("average");
            for (int i = 0; i < grads.length; i++) {
                @SuppressWarnings("unchecked")
                Operand<TFloat32> g = (Operand<TFloat32>) grads[i];
                grads[i] = ta.math.mul(workers.allReduceSum(ta, g), invWorld).asOutput();
            }
        }
        gradients.addAll(List.of(grads));

        lr = tf.withName("lr").placeholder(TFloat32.class, Placeholder.shape(org.tensorflow.ndarray.Shape.scalar()));
        AssertThat finite = tf.assertThat(tf.all(tf.math.isFinite(loss), tf.constant(new int[0])), List.of(loss));
        Ops tu = tf.withSubScope("update").withControlDependencies(List.of(finite));
        for (int i = 0; i < gradientVariables.size(); i++) {
            TfVariable v = gradientVariables.get(i);
            @SuppressWarnings("unchecked")
            Operand<TFloat32> grad = (Operand<TFloat32>) grads[i];
            Operand<TFloat32> at = v == protoVar ? protos : v.read();
            List<Op> ops = List.of(update.apply(tu, v, vars.momentumOf(v), at, grad, lr, v == protoVar));
            updatesWithPrototypes.addAll(ops);
            if (v != protoVar) {
                updatesFrozenPrototypes.addAll(ops);
            }
        }
        updatesFrozenPrototypes.add(tu.assignVariableOp(protoVar.handle(), protos));
        buildBnUpdates(tu, stats);
    }

    /**
     * Activation checkpointing: the gradients of {@link #gradientVariables} (in that order) computed segment by
     * segment from the last, each segment's forward recomputed from its kept input just before its backward runs.
     * The forward pass's own intermediate activations feed no gradient op, so TensorFlow frees each as soon as the
     * next forward op has read it; only the segment inputs live until backward. A recomputed segment starts only
     * once the gradient at its output exists (a control dependency on that gradient), so its activations exist
     * while that one segment's backward runs. Its BN batch statistics are the forward pass's again and are not
     * folded into the running averages, which the forward pass updates once.
     */
    private Output<?>[] checkpointedGradients(Graph graph, Ops tf, String name, RegNetGraph net, VariableStore vars,
                                              Operand<TFloat32> localLoss, List<List<Operand<TFloat32>>> bounds,
                                              Operand<TFloat32> protos, TfVariable protoVar) {
        int groups = bounds.size();
        int segments = net.segmentCount();
        Map<TfVariable, Output<?>> byVariable = new LinkedHashMap<>();
        List<Output<?>> xs = new ArrayList<>();
        for (List<Operand<TFloat32>> b : bounds) xs.add(b.get(segments).asOutput());
        List<TfVariable> headVars = new ArrayList<>();
        for (TfVariable v : gradientVariables) {
            if (v.name().startsWith("head.")) {
                headVars.add(v);
                xs.add(v.read());
            }
        }
        xs.add(protos.asOutput());
        Output<?>[] head = graph.addGradients(name + "_gradients_head", new Output<?>[] {localLoss.asOutput()},
                xs.toArray(new Output<?>[0]), null);
        Output<?>[] outputGradient = java.util.Arrays.copyOf(head, groups);
        for (int i = 0; i < headVars.size(); i++) byVariable.put(headVars.get(i), head[groups + i]);
        byVariable.put(protoVar, head[head.length - 1]);
        for (int s = segments - 1; s >= 0; s--) {
            Ops tr = tf.withSubScope("recompute" + s);
            List<Output<?>> ys = new ArrayList<>();
            List<Output<?>> inputs = new ArrayList<>();
            vars.startRecording();
            for (int g = 0; g < groups; g++) {
                Ops tg = tr.withSubScope("group" + g).withControlDependencyOps(outputGradient[g].op());
                Operand<TFloat32> in = tg.withName("input").identity(bounds.get(g).get(s));
                ys.add(net.segment(tg, s, in, true, new ArrayList<>()).asOutput());
                inputs.add(in.asOutput());
            }
            List<TfVariable> segmentVars = vars.stopRecording().stream().filter(gradientVariables::contains).toList();
            List<Output<?>> wrt = new ArrayList<>(s > 0 ? inputs : List.of());
            segmentVars.forEach(v -> wrt.add(v.read()));
            Output<?>[] grads = graph.addGradients(name + "_gradients_segment" + s, ys.toArray(new Output<?>[0]),
                    wrt.toArray(new Output<?>[0]), outputGradient);
            int first = s > 0 ? groups : 0;
            if (s > 0) outputGradient = java.util.Arrays.copyOf(grads, groups);
            for (int i = 0; i < segmentVars.size(); i++) byVariable.put(segmentVars.get(i), grads[first + i]);
        }
        Output<?>[] out = new Output<?>[gradientVariables.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = byVariable.get(gradientVariables.get(i));
            if (out[i] == null) {
                throw new IllegalStateException("no checkpointed gradient for " + gradientVariables.get(i).name());
            }
        }
        return out;
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
