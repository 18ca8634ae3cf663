package org.seer4j.tensorflow;

import java.util.Arrays;
import org.seer4j.core.tensor.Tensor;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Copies between the port's {@link Tensor} and TensorFlow tensors, and between OIHW and HWIO filter layouts. */
final class TfTensors {
    private TfTensors() {
    }

    static Shape shape(int... dims) {
        long[] d = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            d[i] = dims[i];
        }
        return Shape.of(d);
    }

    static long[] longs(int... dims) {
        long[] d = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            d[i] = dims[i];
        }
        return d;
    }

    /** One bulk copy of the port tensor into a new TensorFlow tensor of the same shape. */
    static TFloat32 toTf(Tensor t) {
        return TFloat32.tensorOf(shape(t.shape()), DataBuffers.of(t.buffer()));
    }

    /** NCHW port images into a new NHWC TensorFlow tensor, transposed in the copy. */
    static TFloat32 toTfNhwc(Tensor nchw) {
        if (nchw.rank() != 4) throw new IllegalArgumentException("images must be NCHW, got " + nchw);
        int n = nchw.dim(0), c = nchw.dim(1), h = nchw.dim(2), w = nchw.dim(3);
        int plane = h * w;
        float[] dst = new float[nchw.size()];
        for (int i = 0; i < n; i++) {
            int base = i * c * plane;
            for (int ch = 0; ch < c; ch++) {
                int from = base + ch * plane;
                for (int p = 0, to = base + ch; p < plane; p++, to += c) {
                    dst[to] = nchw.get(from + p);
                }
            }
        }
        return TFloat32.tensorOf(shape(n, h, w, c), DataBuffers.of(dst, true, false));
    }

    static TFloat32 toTf(float[] data, int... dims) {
        return TFloat32.tensorOf(shape(dims), DataBuffers.of(data, true, false));
    }

    /** One bulk copy out of a TensorFlow tensor. */
    static Tensor fromTf(org.tensorflow.Tensor t) {
        TFloat32 f = (TFloat32) t;
        long[] s = f.shape().asArray();
        int[] dims = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            dims[i] = Math.toIntExact(s[i]);
        }
        float[] data = new float[Math.toIntExact(f.size())];
        f.asRawTensor().data().asFloats().read(data);
        return Tensor.of(data, dims);
    }

    static float scalar(org.tensorflow.Tensor t) {
        return ((TFloat32) t).getFloat();
    }

    /** OIHW (torch) filter to HWIO (TensorFlow). */
    static Tensor oihwToHwio(Tensor t) {
        int o = t.dim(0), in = t.dim(1), h = t.dim(2), w = t.dim(3);
        float[] src = t.toArray();
        float[] dst = new float[src.length];
        for (int a = 0; a < o; a++) {
            for (int b = 0; b < in; b++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        dst[((y * w + x) * in + b) * o + a] = src[((a * in + b) * h + y) * w + x];
                    }
                }
            }
        }
        return Tensor.of(dst, h, w, in, o);
    }

    /** HWIO (TensorFlow) filter to OIHW (torch). */
    static Tensor hwioToOihw(Tensor t) {
        int h = t.dim(0), w = t.dim(1), in = t.dim(2), o = t.dim(3);
        float[] src = t.toArray();
        float[] dst = new float[src.length];
        for (int a = 0; a < o; a++) {
            for (int b = 0; b < in; b++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        dst[((a * in + b) * h + y) * w + x] = src[((y * w + x) * in + b) * o + a];
                    }
                }
            }
        }
        return Tensor.of(dst, o, in, h, w);
    }

    static String describe(int[] shape) {
        return Arrays.toString(shape);
    }

    /** An op output known to be float32, as the typed operand the op builders take. */
    @SuppressWarnings("unchecked")
    static Operand<TFloat32> asFloat(Output<?> o) {
        return (Operand<TFloat32>) o;
    }
}
