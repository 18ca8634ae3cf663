package org.seer4j.tensorflow;

import static org.seer4j.tensorflow.TfTensors.asFloat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Backward of one training graph, built piece by piece from the loss: the head (with the prototypes), then each
 * residual block from the last, then the stem ({@link RegNetGraph#piece}). Each piece's gradients come from one
 * {@code addGradients} call fed with the gradient at the piece's output.
 *
 * <p>With an {@link Updater} (the training step) each piece's update runs as soon as its gradients and the gradient
 * at its input exist. Waiting for the input gradient means that the backward ops reading the piece's weights are
 * done, so the in-place update finds the weight buffer unshared and does not copy it. When the model's gradients
 * take more than {@link #WHOLE_GRADIENT_BYTES}, the previous piece's backward also starts from that input gradient
 * passed through an Identity that waits for the update. Without that order TensorFlow's executor is free to run the
 * whole backward before any update (it did: every gradient of SEER's 256GF trunk, 5 GB, was alive at once); with it
 * one piece's gradients are alive at a time, each freed as its update consumes it. A smaller model's backward runs
 * without those waits: each one joins the crop groups' backward at every piece, so the small crops' backward could
 * not run ahead of the large crops' (as DJL's side thread does) and every update sat on the critical path.
 *
 * <p>Under activation checkpointing each segment (the stem, or a stage: {@link RegNetGraph#firstPiece}) is
 * recomputed from the input the forward pass kept, by a second copy of its ops on the same variables that starts only
 * once the gradient at the segment's output exists (a control dependency; in the step that gradient itself waits for
 * the following piece's update), so one segment's activations exist at a time; its pieces are then differentiated
 * one by one through the recomputed ops. The recomputation's BN statistics are not reported: the running averages
 * fold the forward pass's, once.
 */
final class BackwardGraph {

    /** Applies one variable's gradient. */
    @FunctionalInterface
    interface Updater {
        /** The ops that apply {@code grad} to {@code v}; they must run only after every op of {@code after}. */
        List<Op> apply(TfVariable v, Operand<TFloat32> grad, List<Operation> after);
    }

    /** Gradient of every differentiated variable (after {@code average}), in the order they were built. */
    final Map<TfVariable, Output<?>> gradients = new LinkedHashMap<>();
    /** Every update op the updater built (none without one). */
    final List<Op> updates = new ArrayList<>();

    /**
     * Gradients a model may keep all at once: up to this, backward does not wait for each piece's update
     * ({@code -Dseer4j.tf.wholeGradientBytes} overrides it, for tests and A/B runs).
     */
    static final long WHOLE_GRADIENT_BYTES = 256L << 20;
    static final String WHOLE_GRADIENT_PROPERTY = "seer4j.tf.wholeGradientBytes";

    /** Whether backward waits for each piece's update before the piece before it (see above). */
    private final boolean waitForUpdates;

    /**
     * @param bounds     per crop group, the input of every piece of the trunk and, last, the trunk's output
     * @param pieceVars  per piece, the variables it differentiates
     * @param headVars   the head's variables, differentiated together with {@code protos} from the loss
     * @param average    what each variable's gradient becomes before use (the data-parallel average)
     * @param updater    null: gradients only, in no particular order
     */
    BackwardGraph(Graph graph, Ops tf, String name, RegNetGraph net, Operand<TFloat32> loss,
                  List<List<Operand<TFloat32>>> bounds, List<List<TfVariable>> pieceVars, List<TfVariable> headVars,
                  Operand<TFloat32> protos, TfVariable protoVar, boolean checkpointing,
                  UnaryOperator<Operand<TFloat32>> average, Updater updater) {
        int groups = bounds.size();
        int pieces = net.pieceCount();
        long bytes = gradientBytes(headVars) + protoVar.size() * Float.BYTES;
        for (List<TfVariable> vars : pieceVars) bytes += gradientBytes(vars);
        this.waitForUpdates = bytes > Long.getLong(WHOLE_GRADIENT_PROPERTY, WHOLE_GRADIENT_BYTES);
        List<Output<?>> xs = new ArrayList<>();
        for (List<Operand<TFloat32>> b : bounds) xs.add(b.get(pieces).asOutput());
        headVars.forEach(v -> xs.add(v.read()));
        xs.add(protos.asOutput());
        Output<?>[] head = graph.addGradients(name + "_head", new Output<?>[] {loss.asOutput()},
                xs.toArray(new Output<?>[0]), null);
        ReluGradients.readOutputs(graph, name + "_head/");
        Output<?>[] upstream = Arrays.copyOf(head, groups);
        upstream = apply(tf.withSubScope("head"), headVars, Arrays.copyOfRange(head, groups, groups + headVars.size()),
                upstream, average, updater);
        gradients.put(protoVar, average.apply(asFloat(head[head.length - 1])).asOutput());

        for (int s = net.segmentCount() - 1; s >= 0; s--) {
            int first = net.firstPiece(s);
            List<List<Operand<TFloat32>>> at = bounds;
            if (checkpointing) {
                at = new ArrayList<>();
                Ops tr = tf.withSubScope("recompute" + s);
                for (int g = 0; g < groups; g++) {
                    Ops tg = tr.withSubScope("group" + g).withControlDependencyOps(List.of(upstream[g].op()));
                    List<Operand<TFloat32>> r = new ArrayList<>(Collections.nCopies(pieces + 1, null));
                    r.set(first, tg.withName("input").identity(bounds.get(g).get(first)));
                    for (int p = first; p < net.firstPiece(s + 1); p++) {
                        r.set(p + 1, net.piece(tg, p, r.get(p), true, new ArrayList<>()));
                    }
                    at.add(r);
                }
            }
            for (int p = net.firstPiece(s + 1) - 1; p >= first; p--) {
                List<Output<?>> ys = new ArrayList<>();
                List<Output<?>> wrt = new ArrayList<>();
                for (List<Operand<TFloat32>> b : at) {
                    ys.add(b.get(p + 1).asOutput());
                    if (p > 0) wrt.add(b.get(p).asOutput());
                }
                List<TfVariable> vars = pieceVars.get(p);
                vars.forEach(v -> wrt.add(v.read()));
                Output<?>[] grads = graph.addGradients(name + "_piece" + p, ys.toArray(new Output<?>[0]),
                        wrt.toArray(new Output<?>[0]), upstream);
                // every ReLU's input is freed once forward passed it (ReluGradients), then cheap tensors are
                // computed again in backward (BackwardRecompute; a recomputed segment computes everything again)
                ReluGradients.readOutputs(graph, name + "_piece" + p + "/");
                if (!checkpointing) {
                    net.recompute().rewire(graph, tf.withSubScope("piece" + p), name + "_piece" + p, upstream);
                }
                int inputs = p > 0 ? groups : 0;
                upstream = apply(tf.withSubScope("piece" + p), vars,
                        Arrays.copyOfRange(grads, inputs, inputs + vars.size()), Arrays.copyOf(grads, inputs),
                        average, updater);
            }
        }
    }

    /**
     * Records the variables' gradients and, with an updater, builds their updates after the input gradients and
     * returns those gated behind the updates; otherwise returns the input gradients as they are.
     */
    private Output<?>[] apply(Ops tf, List<TfVariable> vars, Output<?>[] varGrads, Output<?>[] inputGrads,
                              UnaryOperator<Operand<TFloat32>> average, Updater updater) {
        List<Operation> after = new ArrayList<>();
        for (Output<?> g : inputGrads) after.add(g.op());
        List<Op> built = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            Operand<TFloat32> g = average.apply(asFloat(varGrads[i]));
            gradients.put(vars.get(i), g.asOutput());
            if (updater != null) built.addAll(updater.apply(vars.get(i), g, after));
        }
        updates.addAll(built);
        if (updater == null || built.isEmpty() || !waitForUpdates) return inputGrads;
        Output<?>[] gated = new Output<?>[inputGrads.length];
        for (int g = 0; g < gated.length; g++) {
            gated[g] = tf.withSubScope("gate" + g).withControlDependencies(built).identity(asFloat(inputGrads[g]))
                    .asOutput();
        }
        return gated;
    }

    private static long gradientBytes(List<TfVariable> vars) {
        long n = 0;
        for (TfVariable v : vars) n += v.size();
        return n * Float.BYTES;
    }

}
