package org.seer4j.tensorflow;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * The SwAV objective as graph ops: Sinkhorn-Knopp codes (unrolled, in double precision, behind stopGradient)
 * and the swapped-prediction loss over crop-major scores.
 */
final class SwavLossGraph {
    private SwavLossGraph() {
    }

    /**
     * Codes [B, K] for {@code scores} [B, K]; {@code queueScores} [Q, K] (Q may be 0 at run time) join the
     * normalisation as extra samples and their codes are dropped.
     */
    static Operand<TFloat32> codes(Ops tf, Operand<TFloat32> scores, Operand<TFloat32> queueScores, int batch,
                                   int prototypes, double epsilon, int iterations) {
        Operand<TFloat32> all = tf.stopGradient(queueScores == null ? scores
                : tf.concat(List.of(scores, queueScores), tf.constant(0)));
        Operand<TFloat64> s = tf.dtypes.cast(all, TFloat64.class);
        // exp((s - max) / eps): the common factor cancels in the first normalisation and keeps exp finite.
        s = tf.math.sub(s, tf.reduceMax(s, tf.constant(new int[] {0, 1})));
        Operand<TFloat64> q = tf.math.exp(tf.math.div(s, tf.constant(epsilon)));
        q = tf.math.div(q, tf.sum(q, tf.constant(new int[] {0, 1})));
        Operand<TFloat64> samples = tf.dtypes.cast(tf.shape(q), TFloat64.class);
        samples = tf.slice(samples, tf.constant(new int[] {0}), tf.constant(new int[] {1}));
        Operand<TFloat64> k = tf.constant((double) prototypes);
        for (int it = 0; it < iterations; it++) {
            // each prototype receives 1/K of the mass, then each sample carries 1/B
            q = tf.math.div(q, tf.math.mul(tf.sum(q, tf.constant(0), Sum.keepDims(true)), k));
            q = tf.math.div(q, tf.math.mul(tf.sum(q, tf.constant(1), Sum.keepDims(true)), samples));
        }
        q = tf.math.mul(q, samples);
        Operand<TFloat64> mine = tf.slice(q, tf.constant(new int[] {0, 0}), tf.constant(new int[] {batch, -1}));
        return tf.dtypes.cast(mine, TFloat32.class);
    }

    /**
     * Loss = mean over assigning crops c of sum over v != c of -mean_b(sum_k q_c log softmax(s_v / T)),
     * divided by (crops - 1).
     *
     * @param scores     [crops * B, K], crop-major
     * @param codes      one [B, K] code tensor per assigning crop, in the order of {@code assignCrops}
     */
    static Operand<TFloat32> loss(Ops tf, Operand<TFloat32> scores, int crops, int batch, int prototypes,
                                  List<Integer> assignCrops, List<Operand<TFloat32>> codes, double temperature) {
        Operand<TFloat32> lsm = tf.nn.logSoftmax(tf.math.div(scores, tf.constant((float) temperature)));
        Operand<TFloat32> perCrop = tf.reshape(lsm, tf.constant(new int[] {crops, batch, prototypes}));
        Operand<TFloat32> total = tf.sum(perCrop, tf.constant(0));
        List<Operand<TFloat32>> subLosses = new ArrayList<>();
        for (int i = 0; i < assignCrops.size(); i++) {
            int c = assignCrops.get(i);
            Operand<TFloat32> own = tf.slice(lsm, tf.constant(new int[] {c * batch, 0}),
                    tf.constant(new int[] {batch, prototypes}));
            Operand<TFloat32> others = tf.math.sub(total, own);
            Operand<TFloat32> cross = tf.sum(tf.math.mul(codes.get(i), others), tf.constant(new int[] {0, 1}));
            subLosses.add(cross);
        }
        Operand<TFloat32> sum = subLosses.size() == 1 ? subLosses.get(0) : tf.math.addN(subLosses);
        float scale = -1f / ((float) batch * (crops - 1) * assignCrops.size());
        return tf.math.mul(sum, tf.constant(scale));
    }

    /** The rows of crop {@code c} in crop-major [crops * B, D]. */
    static Operand<TFloat32> crop(Ops tf, Operand<TFloat32> rows, int c, int batch) {
        return tf.slice(rows, tf.constant(new int[] {c * batch, 0}), tf.constant(new int[] {batch, -1}));
    }
}
