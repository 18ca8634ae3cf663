package org.seer4j.tensorflow;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.seer4j.core.tensor.Tensor;

/** Splitting a batch along its first axis and joining the parts' results again. */
final class Batches {
    private Batches() {
    }

    /** {@code parts} consecutive slices of {@code batch} along axis 0, sizes differing by at most one. */
    static List<Tensor> split(Tensor batch, int parts) {
        int n = batch.dim(0);
        if (parts < 1 || parts > n) {
            throw new IllegalArgumentException("cannot split a batch of " + n + " into " + parts + " parts");
        }
        int per = batch.size() / n;
        FloatBuffer all = batch.buffer();
        List<Tensor> out = new ArrayList<>(parts);
        int start = 0;
        for (int p = 0; p < parts; p++) {
            int rows = n / parts + (p < n % parts ? 1 : 0);
            int[] shape = batch.shape();
            shape[0] = rows;
            float[] slice = new float[rows * per];
            all.get(start * per, slice);
            out.add(Tensor.of(slice, shape));
            start += rows;
        }
        return out;
    }

    /** The tensors joined along axis 0 (their other axes must agree). */
    static Tensor concat(List<Tensor> parts) {
        int[] shape = parts.get(0).shape();
        int rows = 0;
        int size = 0;
        for (Tensor t : parts) {
            int[] s = t.shape();
            s[0] = shape[0];
            if (!Arrays.equals(s, shape)) {
                throw new IllegalArgumentException("cannot join " + t + " to tensors of shape " + Arrays.toString(shape));
            }
            rows += t.dim(0);
            size += t.size();
        }
        float[] all = new float[size];
        int offset = 0;
        for (Tensor t : parts) {
            t.copyTo(all, offset);
            offset += t.size();
        }
        shape[0] = rows;
        return Tensor.of(all, shape);
    }
}
