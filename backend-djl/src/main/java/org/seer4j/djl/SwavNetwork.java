package org.seer4j.djl;

import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.seer4j.core.model.HeadSpec;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.regnet.BlockPlan;

/**
 * The RegNet trunk, SwAV head, prototypes and optional classifier as a function of named parameters. The layers
 * are declared under torchvision's state-dict names, so loading and saving weights needs no renaming, and the
 * forward pass calls torch kernels directly.
 */
final class SwavNetwork {

    /** How batch normalisation behaves in one forward pass. */
    enum BnMode {
        /** Running statistics normalise (inference). */
        EVAL,
        /** Batch statistics normalise and the running statistics move (a training step). */
        TRAIN,
        /** Batch statistics normalise; the running statistics stay as they are (gradient checks). */
        TRAIN_FROZEN_STATS
    }

    private final ModelDefinition definition;
    private final ModelParameters params;
    /** Whether activations are laid out channels-last (decided once per model, with the input conversion). */
    private final boolean channelsLast;
    private final List<String> headLinears = new ArrayList<>();
    private final List<String> headNorms = new ArrayList<>();
    /** Names declared by each trunk segment: the stem, then every residual block (see {@link #segment}). */
    private final List<List<String>> segmentNames = new ArrayList<>();
    /** Updated running statistics of the current training pass, by BN layer name: [mean, var]. */
    private final Map<String, PtNDArray[]> pending = new HashMap<>();
    /**
     * The running statistics of crop groups that a second thread passes at the same time as the caller's
     * ({@link SegmentedTrunk}): kept apart, starting from zero, and folded into {@link #pending} afterwards.
     */
    private final ThreadLocal<Map<String, PtNDArray[]>> sidePending = new ThreadLocal<>();
    /** Training-mode BN over the data-parallel group's batch; null: each worker's own batch (torch's kernel). */
    private SyncBatchNorm syncBn;
    private final long[] segmentGradientBytes;

    SwavNetwork(ModelDefinition definition, ModelParameters params) {
        this.definition = definition;
        this.params = params;
        this.channelsLast = DjlSwavModel.channelsLast(params.dataType());
        declare();
        this.segmentGradientBytes = new long[segments()];
        for (int s = 0; s < segmentGradientBytes.length; s++) {
            long values = 0;
            for (String n : segmentParameters(s)) values += params.entry(n).shape().size();
            segmentGradientBytes[s] = values * params.dataType().getNumOfBytes();
        }
    }

    /** From now on training-mode BN normalises with the statistics of {@code sync}'s group. */
    void synchronizeBatchNorm(SyncBatchNorm sync) {
        this.syncBn = sync;
    }

    /** The synchronised BN of training passes, or null when every worker normalises its own batch. */
    SyncBatchNorm syncBatchNorm() {
        return syncBn;
    }

    ModelDefinition definition() {
        return definition;
    }

    private void declare() {
        int stem = definition.trunk().stemWidth();
        segmentNames.add(new ArrayList<>());
        conv("stem.0", stem, 3, 3);
        norm("stem.1", stem);
        for (BlockPlan b : definition.trunk().blocks()) {
            String p = b.prefix();
            segmentNames.add(new ArrayList<>());
            if (b.hasProjection()) {
                conv(p + ".proj.0", b.outWidth(), b.inWidth(), 1);
                norm(p + ".proj.1", b.outWidth());
            }
            int wb = b.bottleneckWidth();
            conv(p + ".f.a.0", wb, b.inWidth(), 1);
            norm(p + ".f.a.1", wb);
            conv(p + ".f.b.0", wb, wb / b.groups(), 3);
            norm(p + ".f.b.1", wb);
            if (b.hasSe()) {
                conv(p + ".f.se.fc1", b.seWidth(), wb, 1);
                bias(p + ".f.se.fc1", b.seWidth());
                conv(p + ".f.se.fc2", wb, b.seWidth(), 1);
                bias(p + ".f.se.fc2", wb);
            }
            conv(p + ".f.c.0", b.outWidth(), wb, 1);
            norm(p + ".f.c.1", b.outWidth());
        }
        segmentNames.add(null); // the head and classifier belong to no trunk segment
        if (definition.classes() > 0) {
            params.declare("fc.weight", ParameterKind.WEIGHT, definition.classes(), definition.trunk().outWidth());
            params.declare("fc.bias", ParameterKind.BIAS_OR_NORM, definition.classes());
        }
        HeadSpec head = definition.head();
        if (head != null) {
            int in = head.inWidth();
            int index = 0;
            List<Integer> dims = head.dims();
            for (int i = 0; i < dims.size(); i++) {
                int out = dims.get(i);
                String lin = "head." + index;
                params.declare(lin + ".weight", ParameterKind.WEIGHT, out, in);
                params.declare(lin + ".bias", ParameterKind.BIAS_OR_NORM, out);
                headLinears.add(lin);
                index++;
                if (i < dims.size() - 1) {
                    if (head.batchNorm()) {
                        norm("head." + index, out);
                        headNorms.add("head." + index);
                        index++;
                    } else {
                        headNorms.add(null);
                    }
                    index++; // the ReLU's slot in torch's Sequential numbering
                }
                in = out;
            }
            if (definition.prototypes() > 0) {
                params.declare("prototypes.weight", ParameterKind.WEIGHT, definition.prototypes(), head.outWidth());
            }
        }
    }

    private void conv(String name, long out, long in, long k) {
        declare(name + ".weight", ParameterKind.WEIGHT, out, in, k, k);
    }

    private void bias(String name, long n) {
        declare(name + ".bias", ParameterKind.BIAS_OR_NORM, n);
    }

    private void norm(String name, long n) {
        declare(name + ".weight", ParameterKind.BIAS_OR_NORM, n);
        declare(name + ".bias", ParameterKind.BIAS_OR_NORM, n);
        declare(name + ".running_mean", ParameterKind.BUFFER, n);
        declare(name + ".running_var", ParameterKind.BUFFER, n);
    }

    private void declare(String name, ParameterKind kind, long... shape) {
        params.declare(name, kind, shape);
        List<String> segment = segmentNames.get(segmentNames.size() - 1);
        if (segment != null) segment.add(name);
    }

    /** Trunk segments: the stem, then one per residual block. */
    int segments() {
        return definition.trunk().blocks().size() + 1;
    }

    /** The trainable tensors of trunk segment {@code s}. */
    List<String> segmentParameters(int s) {
        return segmentNames.get(s).stream().filter(n -> params.entry(n).kind().trainable()).toList();
    }

    /** Bytes of the gradients of each trunk segment's trainable tensors, by segment (fixed by the layout). */
    long[] segmentGradientBytes() {
        return segmentGradientBytes;
    }

    /**
     * Trunk segment {@code s} on its input: the stem (conv, BN, ReLU) for 0, residual block {@code s - 1} after.
     * The last segment's output, globally average-pooled, is {@link #trunk}'s result.
     */
    PtNDArray segment(int s, PtNDArray x, BnMode mode) {
        if (s == 0) {
            return bnRelu("stem.1", Ops.conv(x, w("stem.0"), null, definition.stemStride(), 1), mode);
        }
        return block(definition.trunk().blocks().get(s - 1), x, mode);
    }

    /** Trunk features: the last stage, globally average-pooled, [N, C]. */
    PtNDArray trunk(PtNDArray images, BnMode mode) {
        PtNDArray x = images;
        for (int s = 0; s < segments(); s++) x = segment(s, x, mode);
        return Ops.globalAvgPool(x);
    }

    /**
     * One residual block. Every intermediate handle is closed once its last reader has run: the segment's manager
     * would otherwise keep each array alive until the segment's backward, while autograd holds only what the
     * backward needs (no backward keeps a BN's output, the shortcut or the sum's operand): the bench step's native
     * memory in use at its peak fell from 560 to 425 MB (docs/performance.md). BN inputs stay open: synchronised BN
     * differentiates into them after the pass.
     */
    private PtNDArray block(BlockPlan b, PtNDArray x, BnMode mode) {
        String p = b.prefix();
        PtNDArray shortcut = x;
        if (b.hasProjection()) {
            shortcut = bn(p + ".proj.1", Ops.strided1x1(x, w(p + ".proj.0"), b.stride(), channelsLast), mode);
        }
        PtNDArray f = bnRelu(p + ".f.a.1", Ops.pointwise(x, w(p + ".f.a.0"), channelsLast), mode);
        f = closing(f, bnRelu(p + ".f.b.1", Ops.conv(f, w(p + ".f.b.0"), null, b.stride(), b.groups()), mode));
        if (b.hasSe()) f = closing(f, squeezeExcite(p + ".f.se", f));
        f = closing(f, bn(p + ".f.c.1", Ops.pointwise(f, w(p + ".f.c.0"), channelsLast), mode));
        // in place: f (the last BN's output) is saved by no backward, and the sum needs no memory of its own
        JniUtils.addi(f, shortcut);
        if (shortcut != x) shortcut.close();
        return closing(f, Ops.relu(f));
    }

    /** {@code next}, after closing {@code used} (read by nothing after {@code next}). */
    private static PtNDArray closing(PtNDArray used, PtNDArray next) {
        used.close();
        return next;
    }

    /**
     * BN then ReLU. The BN's output is read by the ReLU only, and no backward keeps it (BN's keeps its input,
     * ReLU's its output): its handle is closed at once, or the segment's manager would hold one more
     * activation-sized tensor per layer until the segment's backward.
     */
    private PtNDArray bnRelu(String name, PtNDArray x, BnMode mode) {
        PtNDArray normalised = bn(name, x, mode);
        PtNDArray y = Ops.relu(normalised);
        normalised.close();
        return y;
    }

    private PtNDArray squeezeExcite(String p, PtNDArray f) {
        PtNDArray s = Ops.squeezePool(f);
        s = Ops.relu(Ops.pointwiseVector(s, w(p + ".fc1"), params.get(p + ".fc1.bias")));
        s = JniUtils.sigmoid(Ops.pointwiseVector(s, w(p + ".fc2"), params.get(p + ".fc2.bias")));
        return (PtNDArray) f.mul(s);
    }

    /** The projection head: L2-normalised embeddings [N, D]. */
    PtNDArray embed(PtNDArray pooled, BnMode mode) {
        PtNDArray x = pooled;
        for (int i = 0; i < headLinears.size(); i++) {
            String lin = headLinears.get(i);
            x = Ops.linear(x, params.get(lin + ".weight"), params.get(lin + ".bias"));
            if (i < headLinears.size() - 1) {
                String norm = headNorms.get(i);
                if (norm != null) x = bn(norm, x, mode);
                x = Ops.relu(x);
            }
        }
        return Ops.l2Normalize(x);
    }

    /** Classifier logits, or null when the model has no {@code fc}. */
    PtNDArray logits(PtNDArray pooled) {
        if (definition.classes() == 0) return null;
        return Ops.linear(pooled, params.get("fc.weight"), params.get("fc.bias"));
    }

    private PtNDArray w(String conv) {
        return params.get(conv + ".weight");
    }

    private PtNDArray bn(String name, PtNDArray x, BnMode mode) {
        PtNDArray mean = params.get(name + ".running_mean");
        PtNDArray var = params.get(name + ".running_var");
        if (mode != BnMode.EVAL) {
            // torch writes batch statistics into whatever running buffers it gets: hand it copies, so a step whose
            // loss turns out NaN leaves the model's statistics untouched. A layer met again (the next crop
            // resolution) continues from its copies, as torch's buffers would.
            Map<String, PtNDArray[]> side = sidePending.get();
            Map<String, PtNDArray[]> tape = side != null ? side : pending;
            PtNDArray[] copies = mode == BnMode.TRAIN ? tape.get(name) : null;
            if (copies == null) {
                // a side pass's buffers start at zero and so end as the groups' share of the new statistics
                copies = side != null && mode == BnMode.TRAIN
                        ? new PtNDArray[] {(PtNDArray) mean.zerosLike(), (PtNDArray) var.zerosLike()}
                        : new PtNDArray[] {JniUtils.clone(mean), JniUtils.clone(var)};
                // a training pass's copies outlive the segment that made them (activation checkpointing closes
                // each segment's arrays right after its forward), so they stay with the model until committed
                if (mode == BnMode.TRAIN) {
                    tape.put(name, copies);
                } else {
                    copies[0].attach(x.getManager());
                    copies[1].attach(x.getManager());
                }
            }
            mean = copies[0];
            var = copies[1];
            if (syncBn != null) {
                return syncBn.forward(x, params.get(name + ".weight"), params.get(name + ".bias"), copies);
            }
        }
        return Ops.batchNorm(x, params.get(name + ".weight"), params.get(name + ".bias"), mean, var,
                mode != BnMode.EVAL);
    }

    /** From now on this thread's training passes keep their running statistics apart (see {@link #sidePending}). */
    void beginSideStatistics() {
        sidePending.set(new HashMap<>());
    }

    /** This thread's side statistics, which it stops keeping. */
    Map<String, PtNDArray[]> endSideStatistics() {
        Map<String, PtNDArray[]> side = sidePending.get();
        sidePending.remove();
        return side;
    }

    /**
     * Folds side statistics gathered over {@code groups} crop groups into the caller's, as if those groups had run
     * after the caller's: torch moves a buffer by r = (1 - m) r + m s per group, so after the caller's pass r and k
     * more groups it holds (1 - m)^k r + (what the side buffers, started at zero, hold). Frees the side's buffers.
     */
    void foldSideStatistics(Map<String, PtNDArray[]> side, int groups) {
        double keep = Math.pow(1 - Ops.BN_MOMENTUM, groups);
        Grad.withoutGradient(() -> {
            for (Map.Entry<String, PtNDArray[]> e : side.entrySet()) {
                PtNDArray[] own = pending.get(e.getKey());
                for (int i = 0; i < 2; i++) {
                    // not in place: the caller's BN backward reads its running buffers and checks their version
                    PtNDArray scaled = (PtNDArray) own[i].mul(keep);
                    PtNDArray folded = (PtNDArray) scaled.add(e.getValue()[i]);
                    scaled.close();
                    own[i].close();
                    e.getValue()[i].close();
                    own[i] = folded;
                }
            }
        });
        side.clear();
    }

    /** Frees side statistics that will not be folded. */
    static void discard(Map<String, PtNDArray[]> side) {
        for (PtNDArray[] copies : side.values()) {
            copies[0].close();
            copies[1].close();
        }
        side.clear();
    }

    /** Makes the running statistics of the last TRAIN pass the model's own (after its loss proved finite). */
    void commitRunningStatistics() {
        for (Map.Entry<String, PtNDArray[]> e : pending.entrySet()) {
            params.get(e.getKey() + ".running_mean").intern(e.getValue()[0]);
            params.get(e.getKey() + ".running_var").intern(e.getValue()[1]);
        }
        pending.clear();
    }

    /** Forgets the statistics of a TRAIN pass that will not be committed. */
    void discardRunningStatistics() {
        discard(pending);
    }
}
