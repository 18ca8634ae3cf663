package org.seer4j.djl;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.FloatBuffer;
import java.util.function.Consumer;
import org.seer4j.core.tensor.Tensor;

/** Bulk copies between the port's {@link Tensor} and engine arrays: one copy per tensor, never per element. */
final class Convert {
    private Convert() {
    }

    /**
     * A tensor on the engine, owned by {@code manager}, in the engine's own memory: the values are written straight
     * into a new tensor's storage (one copy), so no Java direct buffer is involved. Such buffers are freed only when
     * the garbage collector finds them unreachable: two image batches a step (5.3 MB on the bench workload) piled up
     * between young collections to 41 MB of native memory in the bench, on top of the step's own.
     */
    static PtNDArray toArray(PtNDManager manager, Tensor tensor, DataType type) {
        FloatBuffer values = tensor.buffer();
        PtNDArray floats = onDevice(manager, filled(manager, new Shape(toLongs(tensor.shape())), out -> out.put(values)));
        if (type == DataType.FLOAT32) return floats;
        PtNDArray converted = (PtNDArray) floats.toType(type, true);
        floats.close();
        return converted;
    }

    /**
     * An NCHW image batch whose memory is laid out channels-last (NHWC strides), which lets oneDNN run its
     * channels-last convolution kernels through the whole trunk. The transposition happens while filling the
     * tensor's storage, so the batch is still copied only once.
     */
    static PtNDArray toChannelsLast(PtNDManager manager, Tensor images) {
        int n = images.dim(0), c = images.dim(1), h = images.dim(2), w = images.dim(3);
        FloatBuffer in = images.buffer();
        int plane = h * w;
        PtNDArray nhwc = filled(manager, new Shape(n, h, w, c), out -> {
            float[] row = new float[c];
            for (int img = 0; img < n; img++) {
                int base = img * c * plane;
                for (int p = 0; p < plane; p++) {
                    for (int ch = 0; ch < c; ch++) row[ch] = in.get(base + ch * plane + p);
                    out.put(row);
                }
            }
        });
        return JniUtils.permute(onDevice(manager, nhwc), new long[] {0, 3, 1, 2});
    }

    /** A new float32 CPU tensor of {@code shape}, owned by {@code manager}, its storage written by {@code fill}. */
    private static PtNDArray filled(PtNDManager manager, Shape shape, Consumer<FloatBuffer> fill) {
        PtNDArray array = JniUtils.createEmptyNdArray(manager, shape, DataType.FLOAT32, Device.cpu(),
                SparseFormat.DENSE);
        // a view of the tensor's own storage (valid while the tensor lives); an empty tensor has none to fill
        if (shape.size() > 0) fill.accept(JniUtils.getByteBuffer(array, true).asFloatBuffer());
        return array;
    }

    /** {@code cpu} moved to the manager's device (freeing the CPU copy), or itself on CPU. */
    private static PtNDArray onDevice(PtNDManager manager, PtNDArray cpu) {
        if (Device.cpu().equals(manager.getDevice())) return cpu;
        PtNDArray moved = cpu.toDevice(manager.getDevice(), true);
        cpu.close();
        return moved;
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
