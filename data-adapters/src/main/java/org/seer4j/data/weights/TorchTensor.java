package org.seer4j.data.weights;

import java.util.Arrays;

/**
 * A tensor of a PyTorch checkpoint, not yet read: where its elements lie in which storage. Strides and offsets are
 * 64-bit so that billion-element storages index without overflow.
 *
 * @param storage the storage holding the elements
 * @param offset  elements from the storage's (view's) start to the tensor's first element
 * @param shape   sizes, outermost first
 * @param stride  elements between neighbours along each axis
 */
public record TorchTensor(TorchStorage storage, long offset, int[] shape, long[] stride) {

    public TorchTensor {
        shape = shape.clone();
        stride = stride.clone();
        if (shape.length != stride.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " and stride "
                    + Arrays.toString(stride) + " differ in rank");
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public long[] stride() {
        return stride.clone();
    }

    public long elements() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Row-major without gaps: the elements are one run of the storage. */
    public boolean contiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** One past the last storage element this tensor touches, from the root storage's start. */
    long end() {
        long last = storage.viewOffset() + offset;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) return storage.viewOffset() + offset;
            last += (long) (shape[i] - 1) * stride[i];
        }
        return last + 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchTensor t && storage.equals(t.storage) && offset == t.offset
                && Arrays.equals(shape, t.shape) && Arrays.equals(stride, t.stride);
    }

    @Override
    public int hashCode() {
        return storage.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return storage.dtype() + Arrays.toString(shape);
    }
}
