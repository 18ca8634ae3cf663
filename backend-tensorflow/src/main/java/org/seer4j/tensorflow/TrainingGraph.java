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
                  SwavConfig swav, List<Integer> assignCrops, int batch, List<int[]> groupShapes) {
        Ops tf = root.withSubScope(name);
        int embedding = net.definition().head().outWidth();
        int k = net.definition().prototypes();
        int crops = 0;
        List<RegNetGraph.BnStat> stats = new ArrayList<>();
        List<Operand<TFloat32>> pooled = new ArrayList<>();
        for (int g = 0; g < groupShapes.size(); g++) {
            int[] s = groupShapes.get(g);
            Ops tg = tf.withSubScope("group" + g);
            Placeholder<TFloat32> in = tg.withName("images").placeholder(TFloat32.class,
                    Placeholder.shape(TfTensors.shape(s)));
            inputs.add(in);
            pooled.add(net.trunk(tg, RegNetGraph.nchwToNhwc(tg, in), true, stats));
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
                    swav.epsilon(), swav.sinkhornIterations()));
            assignEmbeddings.add(SwavLossGraph.crop(tf, z, c, batch));
        }
        loss = SwavLossGraph.loss(tf, scores, crops, batch, k, assignCrops, codes, swav.temperature());

        List<Output<?>> xs = new ArrayList<>();
        for (TfVariable v : vars.variables()) {
            if (v.kind().trainable() && !v.name().startsWith("fc.") && v != protoVar) {
                gradientVariables.add(v);
                xs.add(v.read());
            }
        }
        gradientVariables.add(protoVar);
        xs.add(protos.asOutput());
        Output<?>[] grads = graph.addGradients(name + "_gradients", new Output<?>[] {loss.asOutput()},
                xs.toArray(new Output<?>[0]), null);
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
