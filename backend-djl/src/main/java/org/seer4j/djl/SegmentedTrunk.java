package org.seer4j.djl;

import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.seer4j.djl.SwavNetwork.BnMode;

/**
 * One step's trunk, run segment by segment (the stem, then each residual block) for every crop group, so that
 * backward can go one segment at a time from the last: the caller applies and frees a segment's gradients as soon
 * as they are complete, and gradient memory never exceeds one segment's (the largest block of SEER's 256GF trunk
 * holds 320M of its 1272M parameters).
 *
 * <p>Segments are cut apart: each one's input is a detached copy of the previous output (a new leaf that requires
 * gradient), and every segment's arrays live in a manager of their own, closed as soon as its backward is done,
 * which also drops the autograd graph that keeps the parameters' gradients alive.
 *
 * <p>With {@code recompute} (activation checkpointing) the forward runs without recording and keeps only each
 * segment's input; backward re-runs a segment's forward with recording on and differentiates it with the incoming
 * gradient. The re-run normalises with the batch statistics again but leaves the running statistics alone
 * ({@link BnMode#TRAIN_FROZEN_STATS}), so they move exactly once per step, in the first forward.
 */
final class SegmentedTrunk {
    private final SwavNetwork network;
    private final PtNDManager step;
    private final boolean recompute;
    private BnMode mode;
    /** Per crop group: the input of every segment (recompute) or its recorded pass (otherwise). */
    private final List<PtNDArray[]> inputs = new ArrayList<>();
    private final List<Pass[]> passes = new ArrayList<>();

    /** A segment's recorded forward pass: its arrays' manager, its input leaf and its output. */
    private record Pass(PtNDManager manager, PtNDArray in, PtNDArray out) {
    }

    SegmentedTrunk(SwavNetwork network, PtNDManager step, boolean recompute) {
        this.network = network;
        this.step = step;
        this.recompute = recompute;
    }

    /**
     * The last segment's output of every crop group (not pooled), owned by the step. Runs under the caller's
     * gradient mode unless recomputing, when it records nothing.
     */
    List<PtNDArray> forward(List<PtNDArray> images, BnMode mode) {
        this.mode = mode;
        int segments = network.segments();
        List<PtNDArray> outputs = new ArrayList<>();
        for (PtNDArray x : images) {
            PtNDArray[] in = new PtNDArray[segments];
            Pass[] recorded = new Pass[segments];
            for (int s = 0; s < segments; s++) {
                if (recompute) {
                    in[s] = x;
                    Pass p = run(s, x, mode, false);
                    x = detached(p.out(), step);
                    p.manager().close();
                } else {
                    recorded[s] = run(s, x, mode, JniUtils.isGradMode());
                    x = recorded[s].out();
                }
            }
            inputs.add(in);
            passes.add(recorded);
            outputs.add(x);
        }
        return outputs;
    }

    /**
     * Backward through the trunk from {@code outputGradients} (one per crop group, the gradients of
     * {@link #forward}'s outputs; consumed), last segment first. After segment {@code s} has been differentiated for
     * every group, its parameters' gradients are complete and {@code segmentDone.accept(s)} runs.
     */
    void backward(List<PtNDArray> outputGradients, IntConsumer segmentDone) {
        List<PtNDArray> grads = new ArrayList<>(outputGradients);
        for (int s = network.segments() - 1; s >= 0; s--) {
            for (int g = 0; g < grads.size(); g++) {
                Pass p = recompute ? run(s, inputs.get(g)[s], frozen(mode), true) : passes.get(g)[s];
                JniUtils.backward(p.out(), grads.get(g), false, false);
                PtNDArray inputGrad = s > 0 ? JniUtils.getGradient(p.in()) : null;
                if (inputGrad != null) inputGrad.attach(step);
                grads.get(g).close();
                p.manager().close();
                if (!recompute) passes.get(g)[s] = null;
                grads.set(g, inputGrad);
            }
            segmentDone.accept(s);
        }
    }

    /** Segment {@code s} on a detached copy of {@code x}, in a fresh manager; records when {@code record}. */
    private Pass run(int s, PtNDArray x, BnMode mode, boolean record) {
        PtNDManager m = (PtNDManager) step.newSubManager();
        PtNDArray in = detached(x, m);
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(record);
        try {
            // the images (segment 0's input) need no gradient
            if (record && s > 0) in.setRequiresGradient(true);
            return new Pass(m, in, network.segment(s, in, mode));
        } finally {
            JniUtils.setGradMode(was);
        }
    }

    private static PtNDArray detached(PtNDArray x, PtNDManager owner) {
        PtNDArray d = JniUtils.detachGradient(x);
        d.attach(owner);
        return d;
    }

    private static BnMode frozen(BnMode mode) {
        return mode == BnMode.TRAIN ? BnMode.TRAIN_FROZEN_STATS : mode;
    }
}
