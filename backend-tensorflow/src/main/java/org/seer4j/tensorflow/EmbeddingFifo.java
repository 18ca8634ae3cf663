package org.seer4j.tensorflow;

import org.seer4j.core.tensor.Tensor;

/**
 * SwAV's queue of past embeddings, one FIFO of {@code length} rows per assigning crop, newest rows first
 * (as swav's {@code queue[i, bs:] = queue[i, :-bs]; queue[i, :bs] = embedding}). Rows never written are zero.
 */
final class EmbeddingFifo {
    private final int crops;
    private final int length;
    private final int width;
    private final float[] rows;

    EmbeddingFifo(int crops, int length, int width) {
        this.crops = crops;
        this.length = length;
        this.width = width;
        this.rows = new float[crops * length * width];
    }

    int length() {
        return length;
    }

    /** Shifts crop {@code i}'s queue by the batch and puts {@code batch} [B, D] in front. */
    void push(int i, Tensor batch) {
        int b = batch.dim(0);
        if (batch.dim(1) != width || b > length) {
            throw new IllegalArgumentException("queue takes [<=" + length + ", " + width + "] rows, got " + batch);
        }
        int base = i * length * width;
        System.arraycopy(rows, base, rows, base + b * width, (length - b) * width);
        batch.copyTo(rows, base);
    }

    /** Crop {@code i}'s rows [length, D] as a fresh array (fed to the engine once per step). */
    float[] rows(int i) {
        float[] out = new float[length * width];
        System.arraycopy(rows, i * length * width, out, 0, out.length);
        return out;
    }

    Tensor toTensor() {
        return Tensor.of(rows.clone(), crops, length, width);
    }

    void load(Tensor t) {
        if (t.rank() != 3 || t.dim(0) != crops || t.dim(1) != length || t.dim(2) != width) {
            throw new IllegalArgumentException("queue must be [" + crops + ", " + length + ", " + width + "], got " + t);
        }
        t.copyTo(rows, 0);
    }
}
