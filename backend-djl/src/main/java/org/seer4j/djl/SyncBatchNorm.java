package org.seer4j.djl;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.seer4j.core.port.Collective;

/**
 * Synchronised batch normalisation (SyncBN) for data-parallel workers on DJL: training-mode BN normalises with
 * the mean and variance of the whole group's batch, and backward is exact across the group.
 *
 * <p>The exact BN input gradient needs group-wide means of dL/dx̂ and dL/dx̂ · x̂, i.e. an all-reduce inside
 * the backward pass, and DJL's Java API offers no custom autograd function to put one there. So the autograd graph
 * is cut at every synchronised BN: x̂ = (x - mean) / sqrt(var + eps) is computed without gradient from the
 * all-reduced statistics and becomes a fresh leaf that requires gradient; y = x̂ · gamma + beta stays in the graph,
 * so gamma and beta get their (local) gradients from torch. Each cut is recorded on a tape. After the backward
 * pass from the loss, {@link #backward()} walks the tape from the last BN to the first: the leaf's gradient is then
 * complete (everything that consumed x̂ was created later and has already been differentiated), the group sums
 * of g and g · x̂ are all-reduced, and the BN input gradient
 * <pre>  dx = (g - mean(g) - x̂ · mean(g · x̂)) / sqrt(var + eps)</pre>
 * is pushed into the segment that produced x, which accumulates into the earlier leaves and the weights.
 *
 * <p>Segments share nodes (a block's input feeds both its branch and its shortcut), so every backward pass of a
 * synchronised step keeps the graph ({@code retain_graph}); it is freed with the step's arrays. Per BN layer and
 * crop resolution this costs two host all-reduces forward (sum, then sum of squared deviations: the two-pass
 * variance) and one backward, each of 2C + 1 or fewer values.
 */
final class SyncBatchNorm {
    private final Collective collective;
    private final int groupSize;
    private final List<Cut> tape = new ArrayList<>();

    /** One synchronised BN of the current pass: its input (in the graph), x̂ (the leaf), 1 / sqrt(var + eps). */
    private record Cut(PtNDArray x, PtNDArray xhat, PtNDArray invStd, long[] axes, double count) {
    }

    /** @param groupSize consecutive ranks that normalise together (SEER's groups); must divide the world size */
    SyncBatchNorm(Collective collective, int groupSize) {
        Collective.checkGroupSize(groupSize, collective.worldSize());
        this.collective = collective;
        this.groupSize = groupSize;
    }

    /**
     * Training-mode BN of {@code x} ([N, C, H, W] or [N, C]) with the group's batch statistics. {@code running}
     * (mean, var; copies the caller owns) move as torch's would for the group's batch: momentum 0.1, unbiased
     * variance.
     */
    PtNDArray forward(PtNDArray x, PtNDArray gamma, PtNDArray beta, PtNDArray[] running) {
        int channels = Math.toIntExact(x.getShape().get(1));
        long[] axes = x.getShape().dimension() == 4 ? new long[] {0, 2, 3} : new long[] {0};
        long[] perChannel = x.getShape().dimension() == 4 ? new long[] {1, channels, 1, 1} : new long[] {1, channels};
        boolean recording = JniUtils.isGradMode();
        PtNDManager manager = (PtNDManager) x.getManager();
        PtNDArray[] xhat = new PtNDArray[1];
        PtNDArray[] invStd = new PtNDArray[1];
        double[] count = new double[1];
        // temporaries are closed at once: activation-sized arrays would otherwise stay until the step ends
        Grad.withoutGradient(() -> {
            try (PtNDArray detached = JniUtils.detachGradient(x)) {
                // pass 1: the mean (the count travels along, so unequal shares would still be right)
                double[] sums = new double[channels + 1];
                System.arraycopy(hostSum(detached, axes), 0, sums, 0, channels);
                sums[channels] = x.getShape().size() / channels;
                collective.allReduceSum(sums, groupSize);
                count[0] = sums[channels];
                double[] mean = new double[channels];
                for (int c = 0; c < channels; c++) mean[c] = sums[c] / count[0];
                // pass 2: squared deviations from the global mean, accurate where sum-of-squares is not
                try (PtNDArray meanVector = vector(manager, mean, perChannel, x.getDataType());
                     PtNDArray centered = JniUtils.sub(detached, meanVector)) {
                    double[] var;
                    try (PtNDArray squares = JniUtils.mul(centered, centered)) {
                        var = hostSum(squares, axes);
                    }
                    collective.allReduceSum(var, groupSize);
                    double[] inv = new double[channels];
                    for (int c = 0; c < channels; c++) {
                        var[c] /= count[0];
                        inv[c] = 1 / Math.sqrt(var[c] + Ops.BN_EPS);
                    }
                    invStd[0] = vector(manager, inv, perChannel, x.getDataType());
                    xhat[0] = JniUtils.mul(centered, invStd[0]);
                    moveRunning(running, mean, var, count[0]);
                }
            }
        });
        if (recording) {
            xhat[0].setRequiresGradient(true);
            tape.add(new Cut(x, xhat[0], invStd[0], axes, count[0]));
        }
        // views of the model's parameters, owned by the step so that they go with it
        PtNDArray g = JniUtils.reshape(gamma, perChannel);
        PtNDArray b = JniUtils.reshape(beta, perChannel);
        g.attach(manager);
        b.attach(manager);
        return JniUtils.add(JniUtils.mul(xhat[0], g), b);
    }

    /**
     * Differentiates through every BN of the pass, last to first, after the backward pass from the loss (which
     * must have kept its graph). Every worker of the group calls it in the same order: one all-reduce per BN.
     */
    void backward() {
        try {
            for (int i = tape.size() - 1; i >= 0; i--) {
                Cut cut = tape.get(i);
                PtNDArray g = JniUtils.getGradient(cut.xhat());
                if (g == null) {
                    throw new IllegalStateException("a synchronised BN output got no gradient");
                }
                g.attach(cut.x().getManager());
                PtNDArray[] dx = new PtNDArray[1];
                Grad.withoutGradient(() -> dx[0] = inputGradient(cut, g));
                g.close();
                JniUtils.backward(cut.x(), dx[0], true, false);
                dx[0].close();
            }
        } finally {
            tape.clear();
        }
    }

    /** Forgets the cuts of a pass that will not be differentiated (inference, a failed step). */
    void discard() {
        tape.clear();
    }

    private PtNDArray inputGradient(Cut cut, PtNDArray g) {
        PtNDManager manager = (PtNDManager) g.getManager();
        Shape shape = cut.invStd().getShape();
        int channels = Math.toIntExact(shape.size());
        double[] sums = new double[2 * channels];
        System.arraycopy(hostSum(g, cut.axes()), 0, sums, 0, channels);
        try (PtNDArray gx = JniUtils.mul(g, cut.xhat())) {
            System.arraycopy(hostSum(gx, cut.axes()), 0, sums, channels, channels);
        }
        collective.allReduceSum(sums, groupSize);
        double[] meanG = new double[channels];
        double[] meanGx = new double[channels];
        for (int c = 0; c < channels; c++) {
            meanG[c] = sums[c] / cut.count();
            meanGx[c] = sums[channels + c] / cut.count();
        }
        long[] perChannel = shape.getShape();
        try (PtNDArray meanGVector = vector(manager, meanG, perChannel, g.getDataType());
             PtNDArray meanGxVector = vector(manager, meanGx, perChannel, g.getDataType());
             PtNDArray centered = JniUtils.sub(g, meanGVector);
             PtNDArray along = JniUtils.mul(cut.xhat(), meanGxVector);
             PtNDArray projected = JniUtils.sub(centered, along)) {
            return JniUtils.mul(projected, cut.invStd());
        }
    }

    /**
     * torch's update for the group's batch: new = 0.9 old + 0.1 batch, with the Bessel-corrected variance. The new
     * values replace the copies in {@code running} (fresh native arrays: DJL's {@code set(Buffer)} would leave the
     * array pointing at a Java buffer that is freed once the array object is unreachable).
     */
    private static void moveRunning(PtNDArray[] running, double[] mean, double[] var, double count) {
        double m = Ops.BN_MOMENTUM;
        double bessel = count / Math.max(1, count - 1);
        double[] oldMean = doubles(running[0]);
        double[] oldVar = doubles(running[1]);
        for (int c = 0; c < mean.length; c++) {
            oldMean[c] = (1 - m) * oldMean[c] + m * mean[c];
            oldVar[c] = (1 - m) * oldVar[c] + m * var[c] * bessel;
        }
        for (int i = 0; i < 2; i++) {
            PtNDArray old = running[i];
            running[i] = vector((PtNDManager) old.getManager(), i == 0 ? oldMean : oldVar,
                    old.getShape().getShape(), old.getDataType());
        }
    }

    private static double[] doubles(PtNDArray a) {
        if (a.getDataType() == DataType.FLOAT64) return a.toDoubleArray();
        try (PtNDArray wide = a.toType(DataType.FLOAT64, false)) {
            return wide.toDoubleArray();
        }
    }

    private static double[] hostSum(PtNDArray x, long[] axes) {
        try (PtNDArray sum = JniUtils.sum(x, axes, false)) {
            if (sum.getDataType() == DataType.FLOAT64) return sum.toDoubleArray();
            try (PtNDArray wide = sum.toType(DataType.FLOAT64, false)) {
                return wide.toDoubleArray();
            }
        }
    }

    /** A per-channel constant in native memory (torch's from_blob would keep pointing at the Java buffer). */
    private static PtNDArray vector(PtNDManager manager, double[] values, long[] shape, DataType type) {
        ByteBuffer buf = ByteBuffer.allocateDirect(values.length * 8).order(ByteOrder.nativeOrder());
        buf.asDoubleBuffer().put(values);
        try (PtNDArray onBuffer = manager.create(buf, new Shape(shape), DataType.FLOAT64)) {
            // a conversion to the same type would share the Java buffer: clone instead
            return type == DataType.FLOAT64 ? JniUtils.clone(onBuffer) : onBuffer.toType(type, true);
        }
    }
}
