package org.seer4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * Sinkhorn-Knopp codes and the swapped-prediction loss on engine arrays.
 *
 * <p>Sinkhorn runs in double precision without gradient: it is a few small element-wise passes, and double keeps
 * the codes within 1e-5 of the core's reference even for small epsilon. Inside the differentiated loss every
 * constant is an engine-created scalar kept in the step's manager (DJL's {@code mul(Number)} frees its scalar
 * before backward reads it).
 */
final class SwavLossOps {
    private SwavLossOps() {
    }

    /**
     * Codes for the first {@code rows} rows of {@code scores} [N, K] (the rest are queue rows that only widen the
     * transport problem). No gradient flows.
     */
    static PtNDArray codes(PtNDArray scores, int rows, double epsilon, int iterations) {
        NDArray s = scores.stopGradient().toType(DataType.FLOAT64, true);
        long n = s.getShape().get(0);
        long k = s.getShape().get(1);
        // Subtracting the global maximum only rescales Q, which the first normalisation undoes exactly.
        NDArray q = s.sub(s.max()).div(epsilon).exp().transpose();
        q = q.div(q.sum());
        for (int it = 0; it < iterations; it++) {
            q = q.div(q.sum(new int[] {1}, true)).div(k);
            q = q.div(q.sum(new int[] {0}, true)).div(n);
        }
        q = q.mul(n).transpose();
        NDArray mine = rows == n ? q : q.get(new NDIndex("0:" + rows));
        return (PtNDArray) mine.toType(scores.getDataType(), true);
    }

    /**
     * The swapped-prediction loss: for each assigning crop c, the cross-entropy of its codes against the softmax
     * of every other crop's scores / temperature, averaged over the batch, over the other crops and over c.
     *
     * @param scores all crops' scores stacked crop-major, [crops * batch, K], with gradient
     * @param codes  one [batch, K] code matrix per assigning crop, in {@code assignCrops} order
     */
    static PtNDArray loss(PtNDArray scores, int crops, int batch, List<Integer> assignCrops, List<PtNDArray> codes,
                          double temperature) {
        long k = scores.getShape().get(1);
        PtNDArray invT = scalar(scores, 1.0 / temperature);
        PtNDArray logP = JniUtils.logSoftmax((PtNDArray) scores.mul(invT), 1, scores.getDataType());
        PtNDArray perCrop = (PtNDArray) logP.reshape(new Shape(crops, batch, k));
        // Sum over all crops once; each assigning crop then subtracts its own term.
        PtNDArray allCrops = (PtNDArray) perCrop.sum(new int[] {0});
        PtNDArray total = null;
        for (int i = 0; i < assignCrops.size(); i++) {
            int c = assignCrops.get(i);
            PtNDArray others = (PtNDArray) allCrops.sub(perCrop.get(c));
            PtNDArray term = (PtNDArray) codes.get(i).mul(others).sum();
            total = total == null ? term : (PtNDArray) total.add(term);
        }
        double norm = -1.0 / ((double) assignCrops.size() * (crops - 1) * batch);
        return (PtNDArray) total.mul(scalar(scores, norm));
    }

    /** A 0-d tensor made by torch (native memory) in the same manager, dtype and device as {@code like}. */
    static PtNDArray scalar(PtNDArray like, double value) {
        return JniUtils.full(like.getManager(), new Shape(), value, like.getDataType(), like.getDevice(),
                ai.djl.ndarray.types.SparseFormat.DENSE);
    }
}
