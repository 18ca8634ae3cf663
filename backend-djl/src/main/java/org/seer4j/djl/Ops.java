package org.seer4j.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** The torch kernels the network uses, called directly so that no wrapper allocates per call. */
final class Ops {
    /** torch's BatchNorm default: new = 0.9 old + 0.1 batch. */
    static final double BN_MOMENTUM = 0.1;
    static final double BN_EPS = 1e-5;

    private static final Shape ONE = new Shape(1, 1);
    private static final Shape NO_PAD = new Shape(0, 0);
    private static final Shape PAD_ONE = new Shape(1, 1);

    private Ops() {
    }

    static PtNDArray conv(PtNDArray x, PtNDArray weight, PtNDArray bias, int stride, int groups) {
        long k = weight.getShape().get(2);
        Shape pad = k == 3 ? PAD_ONE : k == 1 ? NO_PAD : new Shape(k / 2, k / 2);
        return JniUtils.convolution(x, weight, bias, new Shape(stride, stride), pad, ONE, groups);
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

    /** Global average pool keeping NCHW: [N, C, 1, 1]. */
    static PtNDArray squeezePool(PtNDArray x) {
        return JniUtils.adaptiveAvgPool(x, ONE);
    }

    /** Rows scaled to unit L2 norm (torch's F.normalize, eps 1e-12). */
    static PtNDArray l2Normalize(PtNDArray x) {
        return JniUtils.normalize(x, 2.0, 1, 1e-12);
    }
}
