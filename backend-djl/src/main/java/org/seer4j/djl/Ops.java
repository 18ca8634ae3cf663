package org.seer4j.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

/** The torch kernels the network uses, called directly so that no wrapper allocates per call. */
final class Ops {
    /** torch's BatchNorm default: new = 0.9 old + 0.1 batch. */
    static final double BN_MOMENTUM = 0.1;
    static final double BN_EPS = 1e-5;

    private static final Shape ONE = new Shape(1, 1);
    private static final Shape NO_PAD = new Shape(0, 0);
    private static final Shape PAD_ONE = new Shape(1, 1);
    private static final long[] NCHW_TO_NHWC = {0, 2, 3, 1};
    private static final long[] NHWC_TO_NCHW = {0, 3, 1, 2};

    private Ops() {
    }

    static PtNDArray conv(PtNDArray x, PtNDArray weight, PtNDArray bias, int stride, int groups) {
        long k = weight.getShape().get(2);
        Shape pad = k == 3 ? PAD_ONE : k == 1 ? NO_PAD : new Shape(k / 2, k / 2);
        return JniUtils.convolution(x, weight, bias, new Shape(stride, stride), pad, ONE, groups);
    }

    /**
     * A 1x1 convolution with stride 1 and no bias, as one matrix product over all pixels. oneDNN's convolution
     * backward for 1x1 kernels on small feature maps took 4-8x its forward time in profiles of the bench step;
     * as a product of [pixels, in] by [in, out], forward and backward are plain sgemm calls. With channels-last
     * memory the NHWC view is free (permute and reshape are views); an NCHW tensor multiplies per image instead.
     */
    static PtNDArray pointwise(PtNDArray x, PtNDArray weight, boolean channelsLast) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        long out = weight.getShape().get(0);
        PtNDArray w2 = weightMatrix(weight, out, c, x);
        if (channelsLast) {
            PtNDArray rows = JniUtils.reshape(JniUtils.permute(x, NCHW_TO_NHWC), new long[] {n * h * w, c});
            PtNDArray y = JniUtils.linear(rows, w2, null);
            return JniUtils.permute(JniUtils.reshape(y, new long[] {n, h, w, out}), NHWC_TO_NCHW);
        }
        PtNDArray y = JniUtils.matmul(w2, JniUtils.reshape(x, new long[] {n, c, h * w}));
        return JniUtils.reshape(y, new long[] {n, out, h, w});
    }

    /**
     * A 1x1 convolution with no bias and stride {@code stride} (the blocks' projection shortcut): the pixels it reads
     * (every stride-th row and column, a view) times the kernel, as {@link #pointwise}. Besides matching the
     * stride-1 route, this never calls libtorch 2.7.1's oneDNN weight-gradient kernel for strided 1x1 convolutions,
     * which corrupts the heap on AVX-512 CPUs when the input has fewer than 16 channels (seen on AMD EPYC: "double
     * free or corruption" in backward), nor its forward kernel on channels-last input, which returns wrong values
     * for some channel counts (48 -> 104 and 104 -> 208 in RegNetY-400MF, 32 -> 40; ProjectionShortcutTest).
     */
    static PtNDArray strided1x1(PtNDArray x, PtNDArray weight, int stride, boolean channelsLast) {
        if (stride == 1) return pointwise(x, weight, channelsLast);
        return pointwise(subsample(x, stride), weight, channelsLast);
    }

    /**
     * Every {@code stride}-th row and column ({@code x[:, :, ::s, ::s]}) as an average pool with a 1x1 window: the
     * same values exactly (one element averaged), but one kernel whose backward writes the full-size gradient once,
     * where two slices (rows, then columns) made two zero-filled gradients and two strided copies (a profile of
     * the bench step showed their backward at about 2.5% of the step).
     */
    static PtNDArray subsample(PtNDArray x, int stride) {
        return JniUtils.avgPool(x, ONE, new Shape(stride, stride), NO_PAD, false, true);
    }

    /** A 1x1 convolution with bias on [N, C, 1, 1] (squeeze-excitation): a linear layer on [N, C]. */
    static PtNDArray pointwiseVector(PtNDArray x, PtNDArray weight, PtNDArray bias) {
        long n = x.getShape().get(0);
        long out = weight.getShape().get(0);
        long in = weight.getShape().get(1);
        PtNDArray y = JniUtils.linear(JniUtils.reshape(x, new long[] {n, in}), weightMatrix(weight, out, in, x), bias);
        return JniUtils.reshape(y, new long[] {n, out, 1, 1});
    }

    /** The [out, in] view of a 1x1 kernel, owned by the activation's (per-step) manager, not the model's. */
    private static PtNDArray weightMatrix(PtNDArray weight, long out, long in, PtNDArray activation) {
        PtNDArray m = JniUtils.reshape(weight, new long[] {out, in});
        m.attach(activation.getManager());
        return m;
    }

    /**
     * Batch normalisation. In training mode torch updates the running statistics in place (unbiased variance,
     * momentum 0.1); callers that must not change them pass copies.
     */
    static PtNDArray batchNorm(PtNDArray x, PtNDArray gamma, PtNDArray beta, PtNDArray mean, PtNDArray var,
                               boolean training) {
        return JniUtils.batchNorm(x, mean, var, gamma, beta, training, BN_MOMENTUM, BN_EPS);
    }

    static PtNDArray relu(PtNDArray x) {
        return JniUtils.relu(x);
    }

    static PtNDArray linear(PtNDArray x, PtNDArray weight, PtNDArray bias) {
        return JniUtils.linear(x, weight, bias);
    }

    /** Global average pool of NCHW to [N, C]. */
    static PtNDArray globalAvgPool(PtNDArray x) {
        return (PtNDArray) squeezePool(x).reshape(x.getShape().get(0), x.getShape().get(1));
    }

    private static final long[] SPATIAL = {2, 3};

    /**
     * Global average pool keeping NCHW: [N, C, 1, 1]. torch computes a 1x1 adaptive average pool as a sum over the
     * pixels divided by their count; written out that way the values are the same, but the backward is a broadcast
     * view of the pooled gradient divided once on [N, C], where torch's mean backward divides a full-size
     * gradient: one pass over the activation fewer per pool.
     */
    static PtNDArray squeezePool(PtNDArray x) {
        long pixels = x.getShape().get(2) * x.getShape().get(3);
        PtNDArray sum = JniUtils.sum(x, SPATIAL, true);
        PtNDManager m = (PtNDManager) x.getManager();
        PtNDArray count = JniUtils.full(m, new Shape(), pixels, x.getDataType(), x.getDevice(), SparseFormat.DENSE);
        return JniUtils.div(sum, count);
    }

    /** Rows scaled to unit L2 norm (torch's F.normalize, eps 1e-12). */
    static PtNDArray l2Normalize(PtNDArray x) {
        return JniUtils.normalize(x, 2.0, 1, 1e-12);
    }
}
