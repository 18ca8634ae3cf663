package org.seer4j.core.swav;

import java.util.List;
import org.seer4j.core.tensor.Tensor;

/** Conversions between port tensors (float, row-major) and the double matrices of the reference code. */
public final class Matrices {
    private Matrices() {
    }

    /** A rank-2 tensor [R, C] as R rows of C doubles. */
    public static double[][] toMatrix(Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException("tensor must not be null");
        }
        if (t.rank() != 2) {
            throw new IllegalArgumentException("expected a rank-2 tensor [rows, columns], got " + t);
        }
        int rows = t.dim(0);
        int cols = t.dim(1);
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = t.get(i * cols + j);
            }
        }
        return m;
    }

    /** A float[] holding rows x columns values row-major, as a matrix of doubles. */
    public static double[][] toMatrix(float[] data, int rows, int columns) {
        if ((long) rows * columns != data.length) {
            throw new IllegalArgumentException(
                    "shape [" + rows + ", " + columns + "] holds " + (long) rows * columns + " values but data has "
                            + data.length);
        }
        double[][] m = new double[rows][columns];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                m[i][j] = data[i * columns + j];
            }
        }
        return m;
    }

    /** Per-crop tensors [B, K] as one [crop][B][K] array. */
    public static double[][][] toMatrices(List<Tensor> tensors) {
        double[][][] out = new double[tensors.size()][][];
        for (int c = 0; c < out.length; c++) {
            out[c] = toMatrix(tensors.get(c));
        }
        return out;
    }

    /** A rectangular matrix as a float tensor [rows, columns] (values rounded to float). */
    public static Tensor toTensor(double[][] m) {
        return Tensor.of(toFloats(m), m.length, m.length == 0 ? 0 : m[0].length);
    }

    /** A rectangular matrix flattened row-major into floats. */
    public static float[] toFloats(double[][] m) {
        int cols = m.length == 0 ? 0 : m[0].length;
        float[] data = new float[m.length * cols];
        for (int i = 0; i < m.length; i++) {
            if (m[i].length != cols) {
                throw new IllegalArgumentException("row " + i + " has " + m[i].length + " values, expected " + cols);
            }
            for (int j = 0; j < cols; j++) {
                data[i * cols + j] = (float) m[i][j];
            }
        }
        return data;
    }

    /** The largest absolute element-wise difference of two matrices of the same shape (for conformance checks). */
    public static double maxAbsDifference(double[][] a, double[][] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("row counts differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != b[i].length) {
                throw new IllegalArgumentException("row " + i + " lengths differ: " + a[i].length + " vs " + b[i].length);
            }
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }
}
