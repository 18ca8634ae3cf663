package org.seer4j.djl;

import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;
import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.tensor.Tensor;

/**
 * SGD with heavy-ball momentum and optional LARC scaling, as SwAV runs it (torch SGD wrapped in apex's LARC):
 * per tensor, {@code d = s (g + wd w)} with {@code s = trust ||w|| / (||g|| + wd ||w|| + 1e-8)} under LARC (only
 * when both norms are non-zero; clip mode takes {@code min(s / lr, 1)}), {@code buf = momentum buf + d},
 * {@code w -= lr buf}. Under LARS, biases and BN parameters get neither scaling nor decay when the config
 * excludes them. This mirrors the core's {@code ParameterUpdate} math.
 * The per-tensor scale is computed in double from the two norms, the element-wise work stays in the engine.
 *
 * <p>Momentum stays in the weights' type: {@code optim.state_dtype: bfloat16} is refused, because DJL 0.36's
 * PyTorch JNI cannot create bfloat16 tensors (converting to {@code DataType.BFLOAT16} aborts the process).
 */
final class SgdLarcOptimizer {
    static final double LARC_EPS = 1e-8;

    private final OptimConfig config;
    private final PtNDManager manager;
    private final Map<String, PtNDArray> momentum = new LinkedHashMap<>();
    private final Map<String, PtNDArray> scalars = new java.util.HashMap<>();

    SgdLarcOptimizer(OptimConfig config, PtNDManager manager) {
        if (!"float32".equals(config.stateDtype())) {
            throw new ConfigException("optim.state_dtype", "the DJL engine keeps optimiser state in float32: DJL "
                    + "0.36's PyTorch bindings cannot create " + config.stateDtype() + " tensors (the TensorFlow "
                    + "engine can); set optim.state_dtype: float32");
        }
        this.config = config;
        this.manager = manager;
    }

    /** Updates {@code weight} in place from {@code grad}, which it overwrites; autograd must be off. */
    void update(String name, ParameterKind kind, PtNDArray weight, PtNDArray grad, double lr) {
        boolean lars = "lars".equals(config.name());
        // Plain SGD decays every tensor (as SwAV does); LARS may exempt biases and norms from scaling and decay.
        boolean excluded = lars && kind == ParameterKind.BIAS_OR_NORM && config.larsExcludeBiasAndNorm();
        double wd = excluded ? 0.0 : config.weightDecay();
        double scale = 1.0;
        if (lars && !excluded) {
            double wNorm = norm(weight);
            double gNorm = norm(grad);
            if (wNorm > 0 && gNorm > 0) {
                scale = config.larsTrust() * wNorm / (gNorm + wd * wNorm + LARC_EPS);
                if (config.larsClip()) scale = Math.min(scale / lr, 1.0);
            } else {
                wd = 0.0; // LARC leaves such a gradient exactly as it is, decay included
            }
        }
        // d = (g + wd w) * scale is built in the gradient's own storage, which the step zeroes afterwards anyway;
        // the few temporaries are closed here, or they would pile up in the weights' long-lived manager.
        // Constants are engine scalars made once (NDArray.mul(Number) makes a tensor from Java memory and converts
        // it on every call: two more native calls per operation, about a third of the update's calls).
        DataType type = weight.getDataType();
        if (wd != 0.0) {
            try (PtNDArray decay = JniUtils.mul(weight, scalar(type, wd))) {
                JniUtils.addi(grad, decay);
            }
        }
        if (scale != 1.0) grad.muli(scale);
        PtNDArray buf = momentum.get(name);
        if (buf == null) {
            buf = JniUtils.clone(grad);
            buf.attach(manager);
            momentum.put(name, buf);
        } else {
            JniUtils.muli(buf, scalar(type, config.momentum()));
            JniUtils.addi(buf, grad);
        }
        // the step's product lr * buf goes into the gradient's storage (no longer needed): no temporary the size
        // of the tensor, which for SEER's largest (109M values) would be 436 MB per update
        JniUtils.subi(grad, grad);
        JniUtils.addi(grad, buf);
        JniUtils.muli(grad, scalar(type, lr));
        JniUtils.subi(weight, grad);
    }

    /** A 0-d engine tensor holding {@code v}, kept for the constants that recur (decay, momentum, this step's lr). */
    private PtNDArray scalar(DataType type, double v) {
        String key = type + ":" + v;
        PtNDArray s = scalars.get(key);
        if (s == null) {
            // a schedule changes the rate every step: forget rates no longer in use
            if (scalars.size() >= 8) {
                scalars.values().forEach(PtNDArray::close);
                scalars.clear();
            }
            s = JniUtils.full(manager, new ai.djl.ndarray.types.Shape(), v, type, manager.getDevice(),
                    ai.djl.ndarray.types.SparseFormat.DENSE);
            scalars.put(key, s);
        }
        return s;
    }

    private static double norm(PtNDArray a) {
        try (PtNDArray n = JniUtils.norm(a, 2, new int[0], false)) {
            return n.getDataType() == DataType.FLOAT64 ? n.getDouble() : n.getFloat();
        }
    }

    /** Momentum buffers under {@code momentum.<parameter name>}. */
    Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        momentum.forEach((name, buf) -> out.put("momentum." + name, Convert.toTensor(buf)));
        return out;
    }

    /** The momentum buffer of a parameter, or null before its first update. */
    PtNDArray buffer(String name) {
        return momentum.get(name);
    }

    void load(String name, PtNDArray buffer) {
        PtNDArray old = momentum.put(name, buffer);
        if (old != null) old.close();
    }
}
