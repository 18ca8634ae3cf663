package org.seer4j.djl;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.seer4j.core.tensor.Tensor;

/** Bulk copies between the port's {@link Tensor} and engine arrays: one copy per tensor, never per element. */
final class Convert {
    private Convert() {
    }

    /**
     * A tensor on the engine, owned by {@code manager}. Torch's from_blob keeps pointing at the Java buffer, so the
     * result is cloned into native memory whenever it must outlive the manager's other arrays (parameters) or
     * change type; batch inputs stay on the Java buffer, which the manager keeps reachable until the step ends.
     */
    static PtNDArray toArray(PtNDManager manager, Tensor tensor, DataType type, boolean nativeCopy) {
        ByteBuffer buf = ByteBuffer.allocateDirect(tensor.size() * 4).order(ByteOrder.nativeOrder());
        buf.asFloatBuffer().put(tensor.buffer());
        PtNDArray onBuffer = manager.create(buf, new Shape(toLongs(tensor.shape())), DataType.FLOAT32);
        if (type == DataType.FLOAT32 && !nativeCopy) return onBuffer;
        PtNDArray copy = type == DataType.FLOAT32 ? JniUtils.clone(onBuffer) : (PtNDArray) onBuffer.toType(type, true);
        onBuffer.close();
        return copy;
    }

    /**
     * An NCHW image batch whose memory is laid out channels-last (NHWC strides), which lets oneDNN run its
     * channels-last convolution kernels through the whole trunk. The transposition happens while filling the
     * buffer, so the batch is still copied only once. The manager keeps the Java buffer reachable.
     */
    static PtNDArray toChannelsLast(PtNDManager manager, Tensor images) {
        int n = images.dim(0), c = images.dim(1), h = images.dim(2), w = images.dim(3);
        ByteBuffer buf = ByteBuffer.allocateDirect(images.size() * 4).order(ByteOrder.nativeOrder());
        java.nio.FloatBuffer out = buf.asFloatBuffer();
        java.nio.FloatBuffer in = images.buffer();
        int plane = h * w;
        float[] row = new float[c];
        for (int img = 0; img < n; img++) {
            int base = img * c * plane;
            for (int p = 0; p < plane; p++) {
                for (int ch = 0; ch < c; ch++) row[ch] = in.get(base + ch * plane + p);
                out.put(row);
            }
        }
        PtNDArray nhwc = manager.create(buf, new Shape(n, h, w, c), DataType.FLOAT32);
        return JniUtils.permute(nhwc, new long[] {0, 3, 1, 2});
    }

    /** The array's values as a float32 port tensor. */
    static Tensor toTensor(PtNDArray array) {
        float[] data = array.getDataType() == DataType.FLOAT32
                ? array.toFloatArray()
                : toFloats(array);
        return Tensor.of(data, toInts(array.getShape()));
    }

    private static float[] toFloats(PtNDArray array) {
        try (PtNDArray f = (PtNDArray) array.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    static long[] toLongs(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) out[i] = shape[i];
        return out;
    }

    static int[] toInts(Shape shape) {
        int[] out = new int[shape.dimension()];
        for (int i = 0; i < out.length; i++) out[i] = Math.toIntExact(shape.get(i));
        return out;
    }
}
