package org.seer4j.core.model;

import java.util.List;
import org.seer4j.core.regnet.BlockPlan;
import org.seer4j.core.regnet.RegNetPlan;

/**
 * Exact size and compute of a network: trainable parameters (conv weights, BN gamma and beta, SE and linear
 * biases, prototypes; no running statistics) and multiply-accumulates of every convolution and linear layer for one
 * image of {@code resolution x resolution} pixels. SE's 1x1 convolutions count at 1x1 spatial size; BN, ReLU,
 * pooling and the residual adds are not counted.
 */
public record ModelCost(long params, long macs) {

    /** The trunk of {@code plan} with an optional {@code classes}-way classifier (0: none). */
    public static ModelCost of(RegNetPlan plan, int stemStride, int classes, int resolution) {
        return of(ModelDefinition.trunkOnly(plan, stemStride, classes), resolution);
    }

    /** Everything {@code model} defines: stem, blocks, classifier, projection head and prototypes. */
    public static ModelCost of(ModelDefinition model, int resolution) {
        Counter c = new Counter();
        trunk(c, model, resolution, null);
        int features = model.trunk().outWidth();
        if (model.classes() > 0) linear(c, features, model.classes());
        HeadSpec head = model.head();
        if (head != null) {
            List<Integer> dims = head.dims();
            int in = head.inWidth();
            for (int i = 0; i < dims.size(); i++) {
                linear(c, in, dims.get(i));
                if (head.batchNorm() && i < dims.size() - 1) c.params += 2L * dims.get(i);
                in = dims.get(i);
            }
            c.params += (long) model.prototypes() * in;
            c.macs += (long) model.prototypes() * in;
        }
        return new ModelCost(c.params, c.macs);
    }

    /**
     * Multiply-accumulates of each trunk segment on {@code resolution}-pixel images: the stem, then each residual
     * block in order (their sum is the trunk's share of {@link #of}).
     */
    public static long[] trunkSegmentMacs(ModelDefinition model, int resolution) {
        long[] segments = new long[model.trunk().blocks().size() + 1];
        trunk(new Counter(), model, resolution, segments);
        return segments;
    }

    /** Counts the stem and the blocks into {@code c}; each segment's MACs into {@code segments} unless null. */
    private static void trunk(Counter c, ModelDefinition model, int resolution, long[] segments) {
        if (resolution < 1) throw new IllegalArgumentException("resolution must be >= 1, got " + resolution);
        int stem = model.trunk().stemWidth();
        int h = conv(c, resolution, 3, stem, 3, model.stemStride(), 1);
        c.params += 2L * stem;
        if (segments != null) segments[0] = c.macs;
        List<BlockPlan> blocks = model.trunk().blocks();
        for (int i = 0; i < blocks.size(); i++) {
            BlockPlan b = blocks.get(i);
            long before = c.macs;
            int wb = b.bottleneckWidth();
            conv(c, h, b.inWidth(), wb, 1, 1, 1);
            int out = conv(c, h, wb, wb, 3, b.stride(), b.groups());
            if (b.hasSe()) {
                conv(c, 1, wb, b.seWidth(), 1, 1, 1);
                conv(c, 1, b.seWidth(), wb, 1, 1, 1);
                c.params += b.seWidth() + wb; // the two SE convolutions carry biases
            }
            conv(c, out, wb, b.outWidth(), 1, 1, 1);
            c.params += 2L * (wb + wb + b.outWidth());
            if (b.hasProjection()) {
                conv(c, h, b.inWidth(), b.outWidth(), 1, b.stride(), 1);
                c.params += 2L * b.outWidth();
            }
            if (segments != null) segments[i + 1] = c.macs - before;
            h = out;
        }
    }

    /** Adds a bias-free convolution with padding k/2 on an h x h input and returns the output side. */
    private static int conv(Counter c, int h, int in, int out, int k, int stride, int groups) {
        int side = (h + 2 * (k / 2) - k) / stride + 1;
        long weights = (long) out * (in / groups) * k * k;
        c.params += weights;
        c.macs += weights * side * side;
        return side;
    }

    private static void linear(Counter c, int in, int out) {
        c.params += (long) in * out + out;
        c.macs += (long) in * out;
    }

    /** Millions of parameters. */
    public double paramsM() {
        return params / 1e6;
    }

    /** Giga multiply-accumulates, the "GF" of the RegNet paper. */
    public double gmacs() {
        return macs / 1e9;
    }

    private static final class Counter {
        long params;
        long macs;
    }
}
