package org.seer4j.tensorflow;

import static org.seer4j.tensorflow.TfTensors.asFloat;

import java.util.ArrayList;
import java.util.List;
import org.seer4j.core.model.HeadSpec;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.regnet.BlockPlan;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Builds the network's ops (NHWC inside, HWIO filters) on the model's shared variables: the RegNet trunk from the
 * core's per-block plan, the SwAV head, the prototype scores and the optional classifier. Every call adds ops, so
 * callers build each sub-graph once and keep it.
 */
final class RegNetGraph {
    static final float BN_EPS = 1e-5f;
    /** torch's F.normalize floor on the norm, squared because the graph compares squared norms. */
    private static final float NORM_EPS_SQUARED = 1e-24f;

    /** The batch statistics one training-mode BN produced, for the running-average update. */
    record BnStat(TfVariable runningMean, TfVariable runningVar, Operand<TFloat32> batchMean,
                  Operand<TFloat32> unbiasedBatchVar) {
    }

    private final WeightSource vars;
    private final ModelDefinition def;
    private final GroupedConv groupedConv;
    /** Cheap tensors that backward computes again rather than keeping them ({@link BackwardRecompute}). */
    private final BackwardRecompute recompute = new BackwardRecompute();
    /** Data-parallel workers whose batches training-mode BN normalises together (SyncBN); null: local BN. */
    private GraphCollective syncBn;

    RegNetGraph(WeightSource vars, ModelDefinition def, GroupedConv groupedConv) {
        if (groupedConv == GroupedConv.AUTO) {
            throw new IllegalArgumentException("resolve AUTO grouped convolution before building a graph");
        }
        this.vars = vars;
        this.def = def;
        this.groupedConv = groupedConv;
    }

    /** Training-mode BN from now on uses the statistics of every worker's batch (null: this worker's only). */
    void syncBatchNorm(GraphCollective workers) {
        this.syncBn = workers;
    }

    BackwardRecompute recompute() {
        return recompute;
    }

    ModelDefinition definition() {
        return def;
    }

    /** NCHW images (as the port delivers them) to NHWC. */
    static Operand<TFloat32> nchwToNhwc(Ops tf, Operand<TFloat32> nchw) {
        return tf.linalg.transpose(nchw, tf.constant(new int[] {0, 2, 3, 1}));
    }

    /** Stem and stages, then global average pooling: [N, trunk width]. */
    Operand<TFloat32> trunk(Ops tf, Operand<TFloat32> nhwc, boolean training, List<BnStat> stats) {
        Operand<TFloat32> x = nhwc;
        for (int i = 0; i < segmentCount(); i++) {
            x = segment(tf, i, x, training, stats);
        }
        return pool(tf, x);
    }

    /** The pieces the trunk is cut into for activation checkpointing: the stem, then each stage. */
    int segmentCount() {
        return 1 + (int) def.trunk().blocks().stream().mapToInt(BlockPlan::stage).distinct().count();
    }

    /**
     * The pieces backward differentiates and updates one at a time: 0 the stem, then each residual block in
     * order ({@code 1 + } its position in the block plan).
     */
    int pieceCount() {
        return 1 + def.trunk().blocks().size();
    }

    /** The first piece of segment {@code i} ({@code segmentCount()} gives {@code pieceCount()}). */
    int firstPiece(int i) {
        if (i < 0 || i > segmentCount()) throw new IllegalArgumentException("the trunk has no segment " + i);
        if (i == 0) return 0;
        if (i == segmentCount()) return pieceCount();
        List<BlockPlan> blocks = def.trunk().blocks();
        int stage = blocks.stream().mapToInt(BlockPlan::stage).distinct().sorted().skip(i - 1L).findFirst()
                .orElseThrow();
        for (int b = 0; b < blocks.size(); b++) {
            if (blocks.get(b).stage() == stage) return 1 + b;
        }
        throw new IllegalStateException("stage " + stage + " has no block");
    }

    /** Segment {@code i} of the trunk: 0 the stem on NHWC images, then the stages in order. */
    Operand<TFloat32> segment(Ops tf, int i, Operand<TFloat32> x, boolean training, List<BnStat> stats) {
        for (int p = firstPiece(i); p < firstPiece(i + 1); p++) {
            x = piece(tf, p, x, training, stats);
        }
        return x;
    }

    /** Piece {@code i} of the trunk: 0 the stem on NHWC images, then the residual blocks in order. */
    Operand<TFloat32> piece(Ops tf, int i, Operand<TFloat32> x, boolean training, List<BnStat> stats) {
        if (i == 0) {
            Ops s = tf.withSubScope("stem");
            int stem = def.trunk().stemWidth();
            x = conv(s, x, "stem.0.weight", 3, stem, 3, def.stemStride(), 1);
            return s.nn.relu(bn(s, x, "stem.1", stem, training, stats));
        }
        if (i >= pieceCount()) throw new IllegalArgumentException("the trunk has no piece " + i);
        BlockPlan b = def.trunk().blocks().get(i - 1);
        return block(tf.withSubScope("s" + b.stage() + "b" + b.index()), x, b, training, stats);
    }

    /** Global average pooling of the last stage: [N, trunk width]. */
    static Operand<TFloat32> pool(Ops tf, Operand<TFloat32> x) {
        return tf.math.mean(x, tf.constant(new int[] {1, 2}));
    }

    private Operand<TFloat32> block(Ops tf, Operand<TFloat32> in, BlockPlan b, boolean training, List<BnStat> stats) {
        String p = b.prefix();
        int wb = b.bottleneckWidth();
        // one sub-scope per layer: the profile (TfOpProfile) tells 1x1, grouped 3x3 and SE ops apart by it
        Ops ta = tf.withSubScope("a");
        Operand<TFloat32> x = conv(ta, in, p + ".f.a.0.weight", b.inWidth(), wb, 1, 1, 1);
        // backward computes this one again (bnRelu): the bench step's peak RSS 892 -> 805 MB, at most a few per cent
        // of its speed; doing the same for layer b took 9 MB more off at twice the cost
        x = bnRelu(ta, x, p + ".f.a.1", wb, training, stats);
        Ops tb = tf.withSubScope("b");
        x = conv(tb, x, p + ".f.b.0.weight", wb, wb, 3, b.stride(), b.groups());
        x = tb.nn.relu(bn(tb, x, p + ".f.b.1", wb, training, stats));
        BackwardRecompute.Recipe again = null;
        if (b.hasSe()) {
            Ops ts = tf.withSubScope("se");
            Operand<TFloat32> unscaled = x;
            Operand<TFloat32> gate = squeezeExciteGate(ts, x, p + ".f.se", wb, b.seWidth());
            x = ts.math.mul(unscaled, gate);
            again = (t, a) -> t.math.mul(a.apply(unscaled), gate);
        }
        Ops tc = tf.withSubScope("c");
        x = conv(tc, x, p + ".f.c.0.weight", wb, b.outWidth(), 1, 1, 1, again);
        x = bn(tc, x, p + ".f.c.1", b.outWidth(), training, stats);
        Operand<TFloat32> shortcut = in;
        if (b.hasProjection()) {
            Ops tp = tf.withSubScope("proj");
            shortcut = conv(tp, in, p + ".proj.0.weight", b.inWidth(), b.outWidth(), 1, b.stride(), 1);
            shortcut = bn(tp, shortcut, p + ".proj.1", b.outWidth(), training, stats);
        }
        return tf.nn.relu(tf.math.add(x, shortcut));
    }

    /**
     * Squeeze-excitation's gate [N, 1, 1, C], which scales {@code x}. It is computed on [N, C] rows: its 1x1
     * convolutions act on one pixel per image, so they are matrix products (the HWIO filter [1, 1, in, out] read as
     * [in, out]); MatMul and its gradients are cheaper than convolution kernels (and their oneDNN reorders) on such
     * tiny inputs.
     */
    private Operand<TFloat32> squeezeExciteGate(Ops tf, Operand<TFloat32> x, String p, int width, int seWidth) {
        Operand<TFloat32> s = tf.math.mean(x, tf.constant(new int[] {1, 2}));
        Operand<TFloat32> w1 = tf.reshape(vars.value(p + ".fc1.weight", TfVariable.Kind.CONV, seWidth, width, 1, 1),
                tf.constant(new int[] {width, seWidth}));
        s = tf.nn.relu(tf.nn.biasAdd(tf.linalg.matMul(s, w1), vars.value(p + ".fc1.bias", TfVariable.Kind.BIAS,
                seWidth)));
        Operand<TFloat32> w2 = tf.reshape(vars.value(p + ".fc2.weight", TfVariable.Kind.CONV, width, seWidth, 1, 1),
                tf.constant(new int[] {seWidth, width}));
        s = tf.nn.biasAdd(tf.linalg.matMul(s, w2), vars.value(p + ".fc2.bias", TfVariable.Kind.BIAS, width));
        return tf.reshape(tf.math.sigmoid(s), tf.constant(new int[] {-1, 1, 1, width}));
    }

    /** torch-style convolution: padding k/2 on every side, so stride-2 outputs match torch's exactly. */
    Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x, String name, int in, int out, int k, int stride, int groups) {
        return conv(tf, x, name, in, out, k, stride, groups, null);
    }

    /** As above; {@code again} (or null) computes {@code x} anew from tensors backward keeps anyway. */
    private Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x, String name, int in, int out, int k, int stride,
                                   int groups, BackwardRecompute.Recipe again) {
        Operand<TFloat32> w = vars.value(name, TfVariable.Kind.CONV, out, in / groups, k, k);
        if (k == 1 && stride > 1) {
            // The pixels a strided 1x1 kernel reads, then a stride-1 convolution: the same values, and it avoids
            // oneDNN's filter-gradient kernel for strided 1x1 convolutions, which corrupts the heap on AVX-512 CPUs
            // when the input has fewer than 16 channels (seen on AMD EPYC: "double free or corruption"). The
            // pixels are picked by a 1x1 average pool (each output averages one pixel: exact): one pooling kernel
            // each way, where a strided slice and its zero-filled gradient cost twice as much.
            Operand<TFloat32> full = x;
            List<Long> step = List.of(1L, (long) stride, (long) stride, 1L);
            x = tf.nn.avgPool(full, List.of(1L, 1L, 1L, 1L), step, "VALID");
            if (again == null) {
                again = (t, a) -> t.nn.avgPool(a.apply(full), List.of(1L, 1L, 1L, 1L), step, "VALID");
            }
            stride = 1;
        }
        List<Long> strides = List.of(1L, (long) stride, (long) stride, 1L);
        String padding = "VALID";
        if (k > 1 && stride == 1) {
            padding = "SAME"; // symmetric k/2 for odd k at stride 1, as torch
        } else if (k > 1) {
            int p = k / 2; // TensorFlow's SAME pads bottom/right first at stride 2; torch pads both sides
            Operand<TFloat32> unpadded = x;
            Operand<TInt32> pads = tf.constant(new int[][] {{0, 0}, {p, p}, {p, p}, {0, 0}});
            Operand<TFloat32> zero = tf.constant(0f);
            x = tf.pad(unpadded, pads, zero);
            recompute.add(x, (t, a) -> t.pad(a.apply(unpadded), pads, zero));
        }
        if (k == 1) {
            // A 1x1 convolution on NHWC is a matrix product of the [N*H*W, in] pixel rows by the filter read as
            // [in, out]; MatMul and its two gradient products run near sgemm's rate, where oneDNN's 1x1
            // convolution kernels and their backward took 40% of the step (bench: 41 -> 57-60 images/s).
            Operand<TInt32> shape = tf.shape(x);
            Operand<TFloat32> rows = tf.reshape(x, tf.constant(new int[] {-1, in}));
            if (again != null) {
                BackwardRecompute.Recipe input = again;
                recompute.add(rows, (t, a) -> t.reshape(input.apply(t, a), t.constant(new int[] {-1, in})));
            }
            Operand<TFloat32> y = tf.linalg.matMul(rows, tf.reshape(w, tf.constant(new int[] {in, out})));
            return tf.reshape(y, tf.concat(List.of(tf.slice(shape, tf.constant(new int[] {0}),
                    tf.constant(new int[] {3})), tf.constant(new int[] {out})), tf.constant(0)));
        }
        if (groups == 1 || groupedConv == GroupedConv.NATIVE) {
            return tf.nn.conv2d(x, w, strides, padding);
        }
        Split<TFloat32> xs = tf.split(tf.constant(3), x, (long) groups);
        Split<TFloat32> ws = tf.split(tf.constant(3), w, (long) groups);
        List<Operand<TFloat32>> parts = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            parts.add(tf.nn.conv2d(xs.output().get(g), ws.output().get(g), strides, padding));
        }
        return tf.concat(parts, tf.constant(3));
    }

    /**
     * ReLU of {@link #bn}. In training with this worker's own statistics, backward computes the output again from
     * the BN's input, which BN's gradient keeps anyway ({@link BackwardRecompute}): the ReLU's gradient and the
     * next convolution's then read that copy, and the forward output is freed once the next layer has run. The
     * copy is the same training-mode op on the same input, so it equals the forward output bit for bit (an
     * inference-mode BN on the batch's statistics gave the same values too, but oneDNN took 12 ms a call for it).
     */
    Operand<TFloat32> bnRelu(Ops tf, Operand<TFloat32> x, String p, int c, boolean training, List<BnStat> stats) {
        Operand<TFloat32> y = bn(tf, x, p, c, training, stats);
        Operand<TFloat32> out = tf.nn.relu(y);
        if (training && syncBn == null) { // y is then batchStatisticsBn's output
            GraphOperation f = (GraphOperation) y.op();
            Operand<TFloat32> gamma = asFloat(f.input(1));
            Operand<TFloat32> beta = asFloat(f.input(2));
            recompute.add(out, (t, again) -> t.nn.relu(batchStatisticsBn(t, x, gamma, beta).y()));
        }
        return out;
    }

    /** Training-mode BN of NHWC {@code x} on its batch statistics (TensorFlow's fused op). */
    private static FusedBatchNorm<TFloat32, TFloat32> batchStatisticsBn(Ops tf, Operand<TFloat32> x,
                                                                        Operand<TFloat32> gamma,
                                                                        Operand<TFloat32> beta) {
        Operand<TFloat32> empty = tf.constant(Shape.of(0), DataBuffers.ofFloats(0));
        return tf.nn.fusedBatchNorm(x, gamma, beta, empty, empty,
                FusedBatchNorm.epsilon(BN_EPS), FusedBatchNorm.isTraining(true), FusedBatchNorm.dataFormat("NHWC"));
    }

    /** BatchNorm over every axis but the last; training mode uses and reports the batch statistics. */
    Operand<TFloat32> bn(Ops tf, Operand<TFloat32> x, String p, int c, boolean training, List<BnStat> stats) {
        Operand<TFloat32> gamma = vars.value(p + ".weight", TfVariable.Kind.BN_WEIGHT, c);
        Operand<TFloat32> beta = vars.value(p + ".bias", TfVariable.Kind.BN_BIAS, c);
        if (training) {
            if (!(vars instanceof VariableStore store)) {
                throw new IllegalStateException("training-mode BN needs variables for its running statistics");
            }
            TfVariable mean = store.get(p + ".running_mean", TfVariable.Kind.RUNNING_MEAN, c);
            TfVariable var = store.get(p + ".running_var", TfVariable.Kind.RUNNING_VAR, c);
            if (syncBn != null) {
                return syncBn(tf, x, gamma, beta, mean, var, stats);
            }
            FusedBatchNorm<TFloat32, TFloat32> f = batchStatisticsBn(tf, x, gamma, beta);
            // FusedBatchNormV3 reports the Bessel-corrected variance in training mode, as torch's running_var wants.
            stats.add(new BnStat(mean, var, f.batchMean(), f.batchVariance()));
            return f.y();
        }
        Operand<TFloat32> mean = vars.value(p + ".running_mean", TfVariable.Kind.RUNNING_MEAN, c);
        Operand<TFloat32> var = vars.value(p + ".running_var", TfVariable.Kind.RUNNING_VAR, c);
        return tf.nn.fusedBatchNorm(x, gamma, beta, mean, var,
                FusedBatchNorm.epsilon(BN_EPS), FusedBatchNorm.isTraining(false), FusedBatchNorm.dataFormat("NHWC")).y();
    }

    /**
     * SyncBN: mean and (biased) variance over the samples of every worker in this worker's SyncBN group, two
     * passes for accuracy, each an all-reduce of per-channel sums; the all-reduce's gradient is itself an
     * all-reduce, so backward is exact across workers. Every worker's tensor has the same static shape, so the
     * group's count is the local count times the group size.
     */
    private Operand<TFloat32> syncBn(Ops tf, Operand<TFloat32> x, Operand<TFloat32> gamma, Operand<TFloat32> beta,
                                     TfVariable runningMean, TfVariable runningVar, List<BnStat> stats) {
        Shape shape = x.shape();
        int rank = shape.numDimensions();
        long local = 1;
        int[] axes = new int[rank - 1];
        for (int i = 0; i < rank - 1; i++) {
            if (shape.size(i) < 0) {
                throw new IllegalStateException("SyncBN needs static shapes, got " + shape);
            }
            local *= shape.size(i);
            axes[i] = i;
        }
        double count = (double) local * syncBn.bnGroupSize();
        Operand<TFloat32> n = tf.constant((float) count);
        Operand<TFloat32> mean = tf.math.div(syncBn.allReduceSumInGroup(tf, tf.sum(x, tf.constant(axes))), n);
        Operand<TFloat32> centered = tf.math.sub(x, mean);
        Operand<TFloat32> var = tf.math.div(syncBn.allReduceSumInGroup(tf,
                tf.sum(tf.math.square(centered), tf.constant(axes))), n);
        Operand<TFloat32> y = tf.math.add(tf.math.mul(tf.math.mul(centered,
                tf.math.rsqrt(tf.math.add(var, tf.constant(BN_EPS)))), gamma), beta);
        Operand<TFloat32> unbiased = tf.math.mul(var, tf.constant((float) (count / Math.max(1, count - 1))));
        stats.add(new BnStat(runningMean, runningVar, mean, unbiased));
        return y;
    }

    Operand<TFloat32> linear(Ops tf, Operand<TFloat32> x, String p, int in, int out) {
        Operand<TFloat32> w = vars.value(p + ".weight", TfVariable.Kind.LINEAR, out, in);
        Operand<TFloat32> b = vars.value(p + ".bias", TfVariable.Kind.BIAS, out);
        return tf.nn.biasAdd(tf.linalg.matMul(x, w, MatMul.transposeB(true)), b);
    }

    /** The SwAV projection head on pooled features, torch Sequential numbering (see {@link HeadSpec}). */
    Operand<TFloat32> head(Ops tf, Operand<TFloat32> pooled, boolean training, List<BnStat> stats) {
        HeadSpec h = def.head();
        int step = h.batchNorm() ? 3 : 2;
        int in = h.inWidth();
        Operand<TFloat32> x = pooled;
        for (int i = 0; i < h.dims().size(); i++) {
            int out = h.dims().get(i);
            x = linear(tf, x, "head." + (i * step), in, out);
            if (i < h.dims().size() - 1) {
                if (h.batchNorm()) {
                    Operand<TFloat32> x4 = tf.reshape(x, tf.constant(new int[] {-1, 1, 1, out}));
                    x4 = bn(tf, x4, "head." + (i * step + 1), out, training, stats);
                    x = tf.reshape(x4, tf.constant(new int[] {-1, out}));
                }
                x = tf.nn.relu(x);
            }
            in = out;
        }
        return x;
    }

    /** Rows divided by max(norm, 1e-12), as torch's F.normalize. */
    static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x) {
        Operand<TFloat32> sq = tf.sum(tf.math.square(x), tf.constant(1), Sum.keepDims(true));
        return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(sq, tf.constant(NORM_EPS_SQUARED))));
    }

    static final String PROTOTYPES = "prototypes.weight";

    /** The prototype matrix [K, D], torch Linear layout. */
    Operand<TFloat32> prototypes() {
        return vars.value(PROTOTYPES, TfVariable.Kind.LINEAR, def.prototypes(), def.head().outWidth());
    }

    /** Scores [N, K] of L2-normalised embeddings against the given (already normalised) prototypes. */
    static Operand<TFloat32> scores(Ops tf, Operand<TFloat32> normalisedEmbeddings, Operand<TFloat32> prototypes) {
        return tf.linalg.matMul(normalisedEmbeddings, prototypes, MatMul.transposeB(true));
    }

    Operand<TFloat32> classifier(Ops tf, Operand<TFloat32> pooled) {
        return linear(tf, pooled, "fc", def.trunk().outWidth(), def.classes());
    }
}
