package org.seer4j.core.tensor;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The one tensor type that crosses ports: a shape and row-major float data (images NCHW).
 *
 * <p>Immutable by contract: {@link #of} takes ownership of the array it is given (no copy, so engines can
 * hand over a batch once), and readers only get read-only views or copies.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** Wraps {@code data} without copying; the caller must not write to it afterwards. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.clone();
        long n = 1;
        for (int d : s) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(s));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(s) + " holds " + n + " values but data has " + data.length);
        }
        return new Tensor(s, data);
    }

    public static Tensor zeros(int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return of(new float[Math.toIntExact(n)], shape);
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return data.length;
    }

    public float get(int flatIndex) {
        return data[flatIndex];
    }

    /** A read-only view of the data, for engines to copy in with one bulk transfer. */
    public FloatBuffer buffer() {
        return FloatBuffer.wrap(data).asReadOnlyBuffer();
    }

    public float[] toArray() {
        return data.clone();
    }

    public void copyTo(float[] target, int offset) {
        System.arraycopy(data, 0, target, offset, data.length);
    }

    public Tensor reshape(int... newShape) {
        return of(data, newShape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
