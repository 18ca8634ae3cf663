package org.seer4j.djl;

import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.seer4j.core.model.ModelCost;
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
    /**
     * How much more the side's smaller crops cost per pixel than group 0's: their kernels run less efficiently on
     * small maps. On the bench workload (96 and 48 pixels, 2 threads) waiting points computed with 1.0, 1.3, 1.6,
     * 1.75, 1.9 and 2.0 gave 64-69, 68.4, 73.0-76.9, 69.6, 72.0 and 70.2 images/s (docs/performance.md).
     */
    static final double SIDE_COST_PER_PIXEL = 1.6;

    private final SwavNetwork network;
    private final PtNDManager step;
    private final boolean recompute;
    /** The thread for crop groups 1.. when they run beside group 0 (see {@link CropGroupThread}); else null. */
    private final CropGroupThread side;
    private BnMode mode;
    /** Per crop group: the input of every segment (recompute) or its recorded pass (otherwise). */
    private final List<PtNDArray[]> inputs = new ArrayList<>();
    private final List<Pass[]> passes = new ArrayList<>();
    /** Intra-op threads of the caller and of the side thread while both work (when {@link #side} is used). */
    private int[] threads;
    /**
     * Forward: the segment after which the caller waits for the side and takes every thread; backward (counting
     * from the last segment): likewise. A fixed point, not "whenever the side is done": kernels sum in an order that
     * depends on their thread count, so a time-dependent switch made runs differ in their last bits and then, SwAV
     * being chaotic, in their results.
     */
    private int widenAfterForward;
    private int widenAfterBackward;

    /** A segment's recorded forward pass: its arrays' manager, its input leaf and its output. */
    private record Pass(PtNDManager manager, PtNDArray in, PtNDArray out) {
    }

    SegmentedTrunk(SwavNetwork network, PtNDManager step, boolean recompute) {
        this(network, step, recompute, null);
    }

    /**
     * With {@code side} (and two or more crop groups and intra-op threads) group 0 runs on the caller and the other
     * groups on {@code side}, forward and backward, the intra-op threads split between the two by pixel count.
     */
    SegmentedTrunk(SwavNetwork network, PtNDManager step, boolean recompute, CropGroupThread side) {
        this.network = network;
        this.step = step;
        this.recompute = recompute;
        this.side = side;
    }

    /**
     * The last segment's output of every crop group (not pooled), owned by the step. Runs under the caller's
     * gradient mode unless recomputing, when it records nothing.
     */
    List<PtNDArray> forward(List<PtNDArray> images, BnMode mode) {
        this.mode = mode;
        boolean record = JniUtils.isGradMode();
        int segments = network.segments();
        PtNDArray[] outputs = new PtNDArray[images.size()];
        for (int g = 0; g < images.size(); g++) {
            inputs.add(new PtNDArray[segments]);
            passes.add(new Pass[segments]);
        }
        int all = JniUtils.getNumThreads();
        if (side == null || images.size() < 2 || all < 2) {
            for (int g = 0; g < images.size(); g++) outputs[g] = forward(g, images.get(g), record, s -> { });
            return List.of(outputs);
        }
        long sidePixels = 0;
        for (int g = 1; g < images.size(); g++) sidePixels += pixels(images.get(g));
        threads = CropGroupThread.split(all, pixels(images.get(0)), sidePixels);
        // the side's groups are the same network on fewer pixels: it is done when the caller has done that share
        // (weighted: small maps cost more per pixel)
        long[] work = ModelCost.trunkSegmentMacs(network.definition(), (int) images.get(0).getShape().get(2));
        double share = Math.min(1.0, SIDE_COST_PER_PIXEL * sidePixels / pixels(images.get(0)));
        widenAfterForward = widenAfter(work, share, false);
        widenAfterBackward = widenAfter(work, share, true);
        Future<Map<String, PtNDArray[]>> others = side.submit(threads[1], () -> {
            network.beginSideStatistics();
            try {
                for (int g = 1; g < images.size(); g++) outputs[g] = forward(g, images.get(g), record, s -> { });
            } catch (RuntimeException | Error e) {
                SwavNetwork.discard(network.endSideStatistics());
                throw e;
            }
            return network.endSideStatistics();
        });
        JniUtils.setNumThreads(threads[0]);
        try {
            // once the side is done (its groups are smaller), the rest of group 0 gets every thread
            outputs[0] = forward(0, images.get(0), record, s -> {
                if (s == widenAfterForward) {
                    CropGroupThread.settle(others);
                    JniUtils.setNumThreads(all);
                }
            });
        } catch (RuntimeException | Error e) {
            CropGroupThread.settle(others);
            throw e;
        } finally {
            JniUtils.setNumThreads(all);
        }
        Map<String, PtNDArray[]> sideStatistics = CropGroupThread.join(others);
        network.foldSideStatistics(sideStatistics, images.size() - 1);
        return List.of(outputs);
    }

    /** Group {@code g}'s forward through every segment, {@code between} after each (given its index); its output. */
    private PtNDArray forward(int g, PtNDArray x, boolean record, IntConsumer between) {
        PtNDArray[] in = inputs.get(g);
        Pass[] recorded = passes.get(g);
        for (int s = 0; s < in.length; s++) {
            if (recompute) {
                in[s] = x;
                Pass p = run(s, x, mode, false);
                x = detached(p.out(), step);
                p.manager().close();
            } else {
                recorded[s] = run(s, x, mode, record);
                x = recorded[s].out();
            }
            between.accept(s);
        }
        return x;
    }

    /**
     * Backward through the trunk from {@code outputGradients} (one per crop group, the gradients of
     * {@link #forward}'s outputs; consumed), last segment first. After segment {@code s} has been differentiated for
     * every group, its parameters' gradients are complete and {@code segmentDone.accept(s)} runs.
     */
    void backward(List<PtNDArray> outputGradients, IntConsumer segmentDone) {
        List<PtNDArray> grads = new ArrayList<>(outputGradients);
        if (threads == null) {
            for (int s = network.segments() - 1; s >= 0; s--) {
                for (int g = 0; g < grads.size(); g++) grads.set(g, backward(s, g, grads.get(g)));
                segmentDone.accept(s);
            }
            return;
        }
        backwardBesideEachOther(grads, segmentDone);
    }

    /**
     * Group 0's backward on the caller, the other groups' on the side thread. The side runs {@code segmentDone} for
     * every segment once both are past it: while it differentiates its own (smaller) groups, then, done with those,
     * following the caller, who from then on has every intra-op thread; so the updates stay off the caller's path.
     */
    private void backwardBesideEachOther(List<PtNDArray> grads, IntConsumer segmentDone) {
        int segments = network.segments();
        SegmentUpdates updates = new SegmentUpdates(network.segmentGradientBytes(), segmentDone);
        Future<Void> others = side.submit(threads[1], () -> {
            try {
                for (int s = segments - 1; s >= 0; s--) {
                    updates.awaitRoomFor(s);
                    for (int g = 1; g < grads.size(); g++) grads.set(g, backward(s, g, grads.get(g)));
                    updates.sidePast(s);
                }
            } catch (RuntimeException | Error | InterruptedException e) {
                updates.sideStopped();
                throw e;
            }
            updates.followCaller();
            return null;
        });
        int all = threads[0] + threads[1];
        // The caller waits for the side at a fixed segment (see widenAfterBackward); the side may then hold the
        // gradients of every segment below it, so it waits only where those fit the budget (else the two could
        // wait on each other) and otherwise keeps its share of the threads to the end.
        int widenAt = segments - 1 - widenAfterBackward;
        boolean widen = updates.fitsBelow(widenAt);
        JniUtils.setNumThreads(threads[0]);
        try {
            PtNDArray grad = grads.get(0);
            for (int s = segments - 1; s >= 0; s--) {
                grad = backward(s, 0, grad);
                updates.callerPast(s);
                if (widen && s == widenAt) {
                    awaitSide(updates);
                    JniUtils.setNumThreads(all);
                }
            }
        } catch (RuntimeException | Error e) {
            updates.abort();
            CropGroupThread.settle(others);
            throw e;
        } finally {
            JniUtils.setNumThreads(all);
        }
        CropGroupThread.join(others);
    }

    /**
     * Which segments both threads of a side-by-side backward are past; the side thread applies their updates, in
     * order from the last segment, each once, outside the lock.
     *
     * <p>Gradients of a segment live until both threads are past it, so the side may run ahead of the caller only
     * while the gradients held stay within {@link #budget}: the larger of {@link #MIN_BUDGET} and the largest
     * segment's. A small trunk's side never waits; a billion-parameter one holds at most two segments' gradients
     * (one when the groups run in turn), never the whole model's.
     */
    static final class SegmentUpdates {
        static final long MIN_BUDGET = 256L << 20;
        private final long[] bytes;
        private final long budget;
        private final IntConsumer segmentDone;
        /** The next segment to apply; -1 when all are. */
        private int next;
        private int callerPast;
        private int sidePast;
        /** Whether the side has differentiated all its own groups (the caller may then take every thread). */
        private boolean sideOwnDone;
        private boolean aborted;

        SegmentUpdates(long[] bytes, IntConsumer segmentDone) {
            this(bytes, MIN_BUDGET, segmentDone);
        }

        SegmentUpdates(long[] bytes, long minBudget, IntConsumer segmentDone) {
            this.bytes = bytes;
            this.segmentDone = segmentDone;
            long largest = 0;
            for (long b : bytes) largest = Math.max(largest, b);
            this.budget = Math.max(minBudget, largest);
            this.next = bytes.length - 1;
            this.callerPast = bytes.length;
            this.sidePast = bytes.length;
        }

        /** Side: applies what is ready, then blocks until segment {@code s}'s gradients fit beside those held. */
        void awaitRoomFor(int s) throws InterruptedException {
            applyReadyOrWait(() -> {
                long held = 0;
                for (int t = next; t >= s; t--) held += bytes[t];
                return held <= budget || next == s;
            });
        }

        /** Side: it is past segment {@code s} in all its groups; applies what is ready. */
        void sidePast(int s) throws InterruptedException {
            synchronized (this) {
                sidePast = s;
            }
            applyReadyOrWait(() -> true);
        }

        /** Side, done with its own groups: applies every segment as the caller gets past it, then returns. */
        void followCaller() throws InterruptedException {
            synchronized (this) {
                sideOwnDone = true;
                notifyAll();
            }
            applyReadyOrWait(() -> next < 0);
        }

        /** Side, failing before it was done with its own groups: releases a caller waiting for them. */
        synchronized void sideStopped() {
            sideOwnDone = true;
            notifyAll();
        }

        /** Caller: it is past segment {@code s}; whether the side is done with its own groups. */
        synchronized boolean callerPast(int s) {
            callerPast = s;
            notifyAll();
            return sideOwnDone;
        }

        /** Caller: waits until the side is done with its own groups (or has stopped). */
        synchronized void awaitSideOwnDone() throws InterruptedException {
            while (!sideOwnDone) wait();
        }

        /** Whether the gradients of segments {@code s - 1} down to 0 fit the budget, all held at once. */
        boolean fitsBelow(int s) {
            long held = 0;
            for (int t = s - 1; t >= 0; t--) held += bytes[t];
            return held <= budget;
        }

        /** Caller, failing: releases a waiting side. */
        synchronized void abort() {
            aborted = true;
            notifyAll();
        }

        /** Applies ready segments (outside the lock) until {@code done} holds; waits for the caller between. */
        private void applyReadyOrWait(BooleanSupplier done) throws InterruptedException {
            while (true) {
                int from;
                int to;
                synchronized (this) {
                    from = next;
                    to = claimReady();
                    if (to > from) {
                        if (done.getAsBoolean()) return;
                        if (aborted) throw new CancellationException("the caller's backward failed");
                        wait();
                        continue;
                    }
                }
                apply(from, to);
            }
        }

        /**
         * Claims the segments both threads are past, from {@link #next} down; returns the last one claimed (above
         * the old {@code next} when none). Only the side claims, so they are applied in order, each once.
         */
        private int claimReady() {
            int past = Math.max(callerPast, sidePast);
            if (next < past) return next + 1;
            int last = past;
            next = past - 1;
            return last;
        }

        private void apply(int from, int to) {
            for (int t = from; t >= to; t--) segmentDone.accept(t);
        }
    }

    /** Differentiates segment {@code s} of group {@code g} from {@code grad} (consumed); its input's gradient. */
    private PtNDArray backward(int s, int g, PtNDArray grad) {
        Pass p = recompute ? run(s, inputs.get(g)[s], frozen(mode), true) : passes.get(g)[s];
        JniUtils.backward(p.out(), grad, false, false);
        PtNDArray inputGrad = s > 0 ? JniUtils.getGradient(p.in()) : null;
        if (inputGrad != null) inputGrad.attach(step);
        grad.close();
        p.manager().close();
        if (!recompute) passes.get(g)[s] = null;
        return inputGrad;
    }

    private static void awaitSide(SegmentUpdates updates) {
        try {
            updates.awaitSideOwnDone();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the crop-group thread", e);
        }
    }

    /**
     * The segment after which the caller has done {@code share} of its work (in forward order, or counting from the
     * last segment for backward, as a count of segments from the end minus one), never the last one.
     */
    static int widenAfter(long[] work, double share, boolean fromEnd) {
        double total = 0;
        for (long w : work) total += w;
        double done = 0;
        for (int i = 0; i < work.length - 1; i++) {
            done += work[fromEnd ? work.length - 1 - i : i];
            if (done >= share * total) return i;
        }
        return work.length - 2;
    }

    private static long pixels(PtNDArray images) {
        long[] shape = images.getShape().getShape();
        return shape[0] * shape[2] * shape[3];
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
