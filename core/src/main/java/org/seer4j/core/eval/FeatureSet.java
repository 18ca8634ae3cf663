package org.seer4j.core.eval;

import java.util.Arrays;

/**
 * Labelled feature vectors: {@code rows} x {@code cols} floats, row-major, and one class label per row.
 * Owns its arrays (no copies are made; nobody writes to them afterwards).
 */
public record FeatureSet(float[] values, int rows, int cols, int[] labels) {

    public FeatureSet {
        if (rows < 0 || cols < 1 || values.length != (long) rows * cols) {
            throw new IllegalArgumentException(rows + " x " + cols + " features need " + (long) rows * cols
                    + " values, got " + values.length);
        }
        if (labels.length != rows) {
            throw new IllegalArgumentException(rows + " feature rows but " + labels.length + " labels");
        }
        for (int i = 0; i < rows; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("row " + i + " has no label (" + labels[i] + ")");
            }
        }
    }

    /** One more than the largest label. */
    public int classes() {
        return Arrays.stream(labels).max().orElse(-1) + 1;
    }

    public float get(int row, int col) {
        return values[row * cols + col];
    }
}
