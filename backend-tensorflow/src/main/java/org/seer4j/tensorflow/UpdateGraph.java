package org.seer4j.tensorflow;

import org.seer4j.core.config.OptimConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The optimiser step as graph ops, one parameter at a time: SGD with heavy-ball momentum (torch convention,
 * {@code buf = m * buf + g; w -= lr * buf}), weight decay added to the gradient, and for {@code lars} the LARC
 * scale of apex/SwAV: local lr = trust * ||w|| / (||g|| + wd * ||w|| + 1e-8), applied to (g + wd * w) only when
 * both norms are non-zero (otherwise the raw gradient, without decay); in clip mode min(local / lr, 1).
 */
final class UpdateGraph {
    static final float LARC_EPS = 1e-8f;

    private final OptimConfig optim;

    UpdateGraph(OptimConfig optim) {
        this.optim = optim;
    }

    /** The gradient after weight decay and LARC, the one that enters the momentum buffer. */
    Operand<TFloat32> effectiveGradient(Ops tf, TfVariable.Kind kind, int rank, Operand<TFloat32> w,
                                        Operand<TFloat32> g, Operand<TFloat32> lr) {
        float wd = (float) optim.weightDecay();
        boolean lars = optim.name().equals("lars");
        boolean excluded = optim.larsExcludeBiasAndNorm() && kind.biasOrNorm();
        if (!lars) {
            return wd == 0f ? g : tf.math.add(g, tf.math.mul(tf.constant(wd), w));
        }
        if (excluded) {
            return g;
        }
        Operand<TInt32> all = tf.constant(axes(rank));
        Operand<TFloat32> wNorm = tf.math.sqrt(tf.sum(tf.math.square(w), all));
        Operand<TFloat32> gNorm = tf.math.sqrt(tf.sum(tf.math.square(g), all));
        Operand<TFloat32> zero = tf.constant(0f);
        Operand<TBool> scaled = tf.math.logicalAnd(tf.math.greater(wNorm, zero), tf.math.greater(gNorm, zero));
        Operand<TFloat32> local = tf.math.div(tf.math.mul(tf.constant((float) optim.larsTrust()), wNorm),
                tf.math.add(tf.math.add(gNorm, tf.math.mul(wNorm, tf.constant(wd))), tf.constant(LARC_EPS)));
        if (optim.larsClip()) {
            local = tf.math.minimum(tf.math.div(local, lr), tf.constant(1f));
        }
        Operand<TFloat32> factor = tf.select(scaled, local, tf.constant(1f));
        Operand<TFloat32> decay = tf.select(scaled, tf.constant(wd), zero);
        return tf.math.mul(tf.math.add(g, tf.math.mul(decay, w)), factor);
    }

    /**
     * Updates the momentum buffer and the weights in place; {@code w} is the value the gradient was taken at.
     * Plain float32 state takes one fused ResourceApplyMomentum (no new buffer per tensor: TensorFlow copies the
     * weights only while the forward pass's snapshot of them is still in use). bfloat16 state is widened, updated
     * in float32, rounded back for storage, and the float32 buffer moves the weights. With {@code unitRows} the
     * stored result is row-normalised (the prototypes: SwAV normalises them before the next forward pass; storing
     * them normalised gives the same passes and the same weights as the DJL engine).
     */
    Op[] apply(Ops tf, TfVariable param, TfVariable momentum, Operand<TFloat32> w, Operand<TFloat32> g,
               Operand<TFloat32> lr, boolean unitRows) {
        Operand<TFloat32> eff = effectiveGradient(tf, param.kind(), param.internalShape().length, w, g, lr);
        Operand<TFloat32> m = tf.constant((float) optim.momentum());
        if (!unitRows && momentum.storage() == TFloat32.class) {
            return new Op[] {tf.train.resourceApplyMomentum(param.handle(), momentum.handle(), lr, eff, m)};
        }
        Operand<TFloat32> buf = tf.math.add(tf.math.mul(m, momentum.readIn(tf)), eff);
        Op storeBuf = tf.assignVariableOp(momentum.handle(), momentum.toStorage(tf, buf));
        if (!unitRows) {
            return new Op[] {storeBuf, tf.train.resourceApplyGradientDescent(param.handle(), lr, buf)};
        }
        Operand<TFloat32> next = RegNetGraph.l2Normalize(tf, tf.math.sub(w, tf.math.mul(lr, buf)));
        return new Op[] {storeBuf, tf.assignVariableOp(param.handle(), next)};
    }

    private static int[] axes(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = i;
        }
        return a;
    }
}
