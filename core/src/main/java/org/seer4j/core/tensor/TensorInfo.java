package org.seer4j.core.tensor;

import java.util.Arrays;

/**
 * A named tensor's description without its values: the name, the row-major shape and the 64-bit element count.
 * Model-sized tensors are described by this and moved in chunks ({@link TensorReader}), never held whole.
 */
public record TensorInfo(String name, long[] shape) {

    public TensorInfo {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a tensor needs a name");
        shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("tensor " + name + " has a negative dimension "
                    + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
    }

    public static TensorInfo of(String name, int... shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = shape[i];
        return new TensorInfo(name, s);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis];
    }

    /** Number of elements (64-bit: a model's tensors, and surely its sums, may exceed an int). */
    public long size() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** The shape as ints, for {@link Tensor}s and engines whose shapes are int; fails for a dimension beyond int. */
    public int[] intShape() {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor " + name
                    + " has a dimension " + shape[i] + " beyond an int");
            s[i] = (int) shape[i];
        }
        return s;
    }

    /** Whether {@code shape} equals this tensor's shape. */
    public boolean hasShape(long... other) {
        return Arrays.equals(shape, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
