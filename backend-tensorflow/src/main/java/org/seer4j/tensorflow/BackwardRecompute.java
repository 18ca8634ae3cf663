package org.seer4j.tensorflow;

import static org.seer4j.tensorflow.TfTensors.asFloat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Cheap forward tensors that backward computes again instead of keeping them from forward to backward.
 *
 * <p>TensorFlow's gradients read the forward tensors they need, so each stays alive until its last gradient ran.
 * Several of the step's tensors are cheap to compute from tensors backward keeps anyway:
 * <ul>
 *   <li>the BN+ReLU output of a block's first layer, from the BN's input, which BN's gradient keeps (torch.compile's
 *   partitioner recomputes such ops too);</li>
 *   <li>the zero-padded input of a strided k x k convolution ({@link RegNetGraph#conv}: torch pads k/2 on every
 *   side, TensorFlow's SAME bottom and right first, so the graph pads explicitly and convolves VALID). A Conv2D
 *   with EXPLICIT padding would need no copy, but TensorFlow's C++ gradient of Conv2D does not pass explicit
 *   paddings on (the filter gradient it builds fails);</li>
 *   <li>the squeeze-excitation output (the block's ReLU output times its gate) and the pixels a strided 1x1
 *   projection reads, which the weight gradients of the 1x1 convolutions after them read.</li>
 * </ul>
 * Once a piece's gradients exist, each gradient op of the piece that reads such a tensor is rewired
 * ({@link GraphEdges}) to a second computation of it that waits for the gradients at the piece's outputs, so the
 * copy lives only while that block's backward runs. A recipe may read another recorded tensor through the
 * {@code again} function it is given, which computes that one again too (once per piece).
 */
final class BackwardRecompute {
    /** Ops that read only a tensor's shape: they run early and hold nothing, so they are left alone. */
    private static final Set<String> SHAPE_ONLY = Set.of("Shape", "ShapeN", "Size", "Rank");

    /** Computes a recorded tensor again with {@code tf}; {@code again} maps a forward tensor to its recomputation. */
    @FunctionalInterface
    interface Recipe {
        Operand<TFloat32> apply(Ops tf, UnaryOperator<Operand<TFloat32>> again);
    }

    private final Map<Output<?>, Recipe> recipes = new LinkedHashMap<>();

    /** Records {@code kept}, which {@code recipe} computes anew from tensors that backward keeps anyway. */
    void add(Operand<TFloat32> kept, Recipe recipe) {
        recipes.put(kept.asOutput(), recipe);
    }

    /**
     * Rewires the ops under {@code gradientScope} (the prefix of one {@code addGradients} call) that read a recorded
     * tensor to read it computed again after every op of {@code after} (the gradients at the piece's outputs).
     * Returns how many inputs were rewired.
     */
    int rewire(Graph graph, Ops tf, String gradientScope, Output<?>[] after) {
        List<Operation> wait = new ArrayList<>();
        Arrays.stream(after).forEach(o -> wait.add(o.op()));
        Ops t = tf.withSubScope("again").withControlDependencyOps(wait);
        Map<Output<?>, Operand<TFloat32>> made = new HashMap<>();
        UnaryOperator<Operand<TFloat32>> again = new UnaryOperator<>() {
            @Override
            public Operand<TFloat32> apply(Operand<TFloat32> forward) {
                Recipe r = recipes.get(forward.asOutput());
                if (r == null) return forward;
                Operand<TFloat32> done = made.get(forward.asOutput());
                if (done == null) {
                    done = r.apply(t, this);
                    made.put(forward.asOutput(), done);
                }
                return done;
            }
        };
        int rewired = 0;
        for (Output<?> kept : recipes.keySet()) {
            GraphOperation producer = (GraphOperation) kept.op();
            for (GraphOperation consumer : producer.consumers(kept.index())) {
                if (!consumer.name().startsWith(gradientScope + "/") || SHAPE_ONLY.contains(consumer.type())) {
                    continue;
                }
                for (int i = 0; i < consumer.numInputs(); i++) {
                    if (!consumer.input(i).equals(kept)) continue;
                    GraphEdges.update(graph, again.apply(asFloat(kept)).asOutput(), consumer, i);
                    rewired++;
                }
            }
        }
        return rewired;
    }
}
