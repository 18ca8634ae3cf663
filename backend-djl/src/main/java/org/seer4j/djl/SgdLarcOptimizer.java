package org.seer4j.djl;

import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.tensor.Tensor;

/**
 * SGD with heavy-ball momentum and optional LARC scaling, as SwAV runs it (torch SGD wrapped in apex's LARC):
 * per tensor, {@code d = s (g + wd w)} with {@code s = trust ||w|| / (||g|| + wd ||w|| + 1e-8)} under LARC (only
 * when both norms are non-zero; clip mode takes {@code min(s / lr, 1)}), {@code buf = momentum buf + d},
 * {@code w -= lr buf}. Under LARS, biases and BN parameters get neither scaling nor decay when the config
 * excludes them. This mirrors the core's {@code ParameterUpdate} math.
 * The per-tensor scale is computed in double from the two norms, the element-wise work stays in the engine, in
 * place: no temporary larger than {@link #DECAY_CHUNK_VALUES} values.
 *
 * <p>Momentum stays in the weights' type: {@code optim.state_dtype: bfloat16} is refused, because DJL 0.36's
 * PyTorch JNI cannot create bfloat16 tensors (converting to {@code DataType.BFLOAT16} aborts the process).
 */
final class SgdLarcOptimizer {
    static final double LARC_EPS = 1e-8;
    /** Largest temporary of the update ({@code wd * w}, {@code lr * buf}), in values (4 MB in float32). */
    static long DECAY_CHUNK_VALUES = 1L << 20;
    private static final NDIndex ALL = new NDIndex("...");

    private final OptimConfig config;
    private final PtNDManager manager;
    /** The tensors that get a momentum buffer, in parameter order. */
    private final List<ModelParameters.Entry> parameters;
    /** Momentum buffers by parameter name: views of one flat allocation (see {@link #reserve}). */
    private final Map<String, PtNDArray> momentum = new LinkedHashMap<>();
    /** The buffers that hold a value: set by a first update or a load, as torch's SGD creates its buffers. */
    private final Set<String> started = new HashSet<>();
    private final Map<String, PtNDArray> scalars = new java.util.HashMap<>();

    SgdLarcOptimizer(OptimConfig config, PtNDManager manager, List<ModelParameters.Entry> parameters) {
        if (!"float32".equals(config.stateDtype())) {
            throw new ConfigException("optim.state_dtype", "the DJL engine keeps optimiser state in float32: DJL "
                    + "0.36's PyTorch bindings cannot create " + config.stateDtype() + " tensors (the TensorFlow "
                    + "engine can); set optim.state_dtype: float32");
        }
        this.config = config;
        this.manager = manager;
        this.parameters = new java.util.ArrayList<>(parameters);
    }

    /** Keeps momentum only for the tensors {@code owns} accepts (sharded state: the others live elsewhere). */
    void keepOnly(java.util.function.Predicate<String> owns) {
        if (!momentum.isEmpty()) throw new IllegalStateException("momentum already reserved");
        parameters.removeIf(p -> !owns.test(p.name()));
    }

    /**
     * Allocates every momentum buffer at once, as views of one zeroed flat tensor, on the first update or load
     * (before a step's first gradient exists). Created one by one during the first backward, the buffers landed
     * among that step's gradients and activations in glibc's arenas, and the holes those left stayed resident. One
     * allocation of the whole state is mapped on its own, outside the arenas, and never fragments.
     */
    void reserve() {
        if (!momentum.isEmpty() || parameters.isEmpty()) return;
        long total = 0;
        for (ModelParameters.Entry p : parameters) total += p.array().size();
        PtNDArray flat = (PtNDArray) manager.zeros(new Shape(total), parameters.get(0).array().getDataType());
        long offset = 0;
        for (ModelParameters.Entry p : parameters) {
            long n = p.array().size();
            try (PtNDArray range = JniUtils.slice(flat, 0, offset, offset + n, 1)) {
                PtNDArray view = JniUtils.reshape(range, p.shape().getShape());
                view.attach(manager);
                momentum.put(p.name(), view);
            }
            offset += n;
        }
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
        // d = (g + wd w) * scale is built in the gradient's own storage, which the step frees afterwards anyway.
        // Constants are engine scalars made once (NDArray.mul(Number) makes a tensor from Java memory and converts
        // it on every call: two more native calls per operation, about a third of the update's calls).
        // (Each scalar is looked up right before its use: a new rate may evict the others from the cache.)
        DataType type = weight.getDataType();
        PtNDArray buf = slot(name);
        boolean first = started.add(name);
        double decay = wd;
        double s = scale;
        forEachBlock(weight, grad, buf, (w, g, b) -> {
            if (decay != 0.0) {
                try (PtNDArray t = JniUtils.mul(w, scalar(type, decay))) {
                    JniUtils.addi(g, t);
                }
            }
            if (s != 1.0) g.muli(s);
            if (first) {
                b.set(ALL, g); // torch's first step: buf = d, copied
            } else {
                JniUtils.muli(b, scalar(type, config.momentum()));
                JniUtils.addi(b, g);
            }
            // w -= lr buf through one temporary of the block's size: two passes over memory where building
            // lr buf in the gradient's storage took four
            try (PtNDArray step = JniUtils.mul(b, scalar(type, lr))) {
                JniUtils.subi(w, step);
            }
        });
    }

    /** The element-wise work of one block of rows of a tensor's weight, gradient and momentum. */
    interface BlockUpdate {
        void apply(PtNDArray weight, PtNDArray grad, PtNDArray buf);
    }

    /**
     * Runs {@code update} over blocks of at most {@link #DECAY_CHUNK_VALUES} values (whole rows along the first
     * dimension), so its temporaries ({@code wd * w}, {@code lr * buf}) stay small: for SEER's largest tensors
     * (55M values) one the size of the tensor would add 218 MB to the peak of the update. Slices along the first
     * dimension are views whatever the gradient's memory layout (a convolution's weight gradient may come back
     * channels-last), so in-place work lands in the tensors themselves; element by element it is the same
     * arithmetic as the whole-tensor expression. A tensor that fits one block (every tensor of the bench model)
     * is updated whole: three slices per tensor cost more native calls than its arithmetic.
     */
    static void forEachBlock(PtNDArray weight, PtNDArray grad, PtNDArray buf, BlockUpdate update) {
        long rows = weight.getShape().dimension() == 0 ? 1 : weight.getShape().get(0);
        long perRow = rows == 0 ? 0 : weight.size() / rows;
        long block = Math.max(1, DECAY_CHUNK_VALUES / Math.max(1, perRow));
        if (block >= rows) {
            update.apply(weight, grad, buf);
            return;
        }
        for (long r = 0; r < rows; r += block) {
            long end = Math.min(rows, r + block);
            try (PtNDArray w = JniUtils.slice(weight, 0, r, end, 1);
                 PtNDArray g = JniUtils.slice(grad, 0, r, end, 1);
                 PtNDArray b = JniUtils.slice(buf, 0, r, end, 1)) {
                update.apply(w, g, b);
            }
        }
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
            s = JniUtils.full(manager, new Shape(), v, type, manager.getDevice(),
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

    /** The buffer of a parameter, reserving all of them first. */
    private PtNDArray slot(String name) {
        reserve();
        PtNDArray buf = momentum.get(name);
        if (buf == null) throw new IllegalArgumentException("unknown training state 'momentum." + name + "'");
        return buf;
    }

    /** Momentum buffers under {@code momentum.<parameter name>}, those that hold a value. */
    Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        momentum.forEach((name, buf) -> {
            if (started.contains(name)) out.put("momentum." + name, Convert.toTensor(buf));
        });
        return out;
    }

    /** The momentum buffer of a parameter, or null before its first update or load. */
    PtNDArray buffer(String name) {
        return started.contains(name) ? momentum.get(name) : null;
    }

    /**
     * The buffer of {@code name} for the caller to fill in place (a resume streaming the state in chunks); from now
     * on it counts as holding a value.
     */
    PtNDArray loadInPlace(String name) {
        PtNDArray buf = slot(name);
        started.add(name);
        return buf;
    }

    /** Copies {@code values} into the buffer of {@code name}. */
    void load(String name, PtNDArray values) {
        loadInPlace(name).set(ALL, values);
    }
}
