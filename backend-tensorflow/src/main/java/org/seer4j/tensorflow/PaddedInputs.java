package org.seer4j.tensorflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The zero-padded inputs of strided k x k convolutions, padded again in backward instead of kept from forward.
 *
 * <p>torch pads a strided convolution by k/2 on every side; TensorFlow's SAME pads bottom and right first, so
 * {@link RegNetGraph#conv} pads explicitly and convolves VALID. TensorFlow's gradient of that convolution reads the
 * padded tensor, which would then stay alive from forward to backward next to the unpadded one (the ReLU output
 * before it, which backward keeps anyway): 56 MB of the bench step's 437 MB of tensors. A Conv2D with EXPLICIT
 * padding would need no padded copy, but TensorFlow's C++ gradient of Conv2D does not pass explicit paddings on, so
 * {@code addGradients} builds a filter gradient that fails. Instead, once a piece's gradients exist, each filter
 * gradient that reads a padded input is rewired ({@code TF_UpdateEdge}) to a second Pad of the same input that
 * waits for the gradient at the piece's output: the padded copy then lives only while that block's backward runs.
 */
final class PaddedInputs {
    private static final String FILTER_GRADIENT = "Conv2DBackpropFilter";

    private final List<GraphOperation> pads = new ArrayList<>();

    /** Records a forward Pad whose output feeds a convolution. */
    void add(Operand<TFloat32> padded) {
        pads.add((GraphOperation) padded.op());
    }

    /**
     * Rewires the filter gradients under {@code gradientScope} (the prefix of one {@code addGradients} call) that
     * read a recorded padded input: they read a Pad of the same input that runs after every op of {@code after}
     * (the gradients at the piece's outputs) instead. Returns how many were rewired.
     */
    int padAgainInBackward(Graph graph, Ops tf, String gradientScope, Output<?>[] after) {
        List<Operation> wait = new ArrayList<>();
        Arrays.stream(after).forEach(o -> wait.add(o.op()));
        int rewired = 0;
        for (GraphOperation pad : pads) {
            for (GraphOperation consumer : pad.consumers(0)) {
                if (!consumer.type().equals(FILTER_GRADIENT) || !consumer.name().startsWith(gradientScope + "/")
                        || !consumer.input(0).op().equals(pad)) {
                    continue;
                }
                Output<TFloat32> again = tf.withSubScope("pad_again").withControlDependencyOps(wait)
                        .pad(asFloat(pad.input(0)), asInt(pad.input(1)), asFloat(pad.input(2))).output();
                GraphEdges.update(graph, again, consumer, 0);
                rewired++;
            }
        }
        return rewired;
    }

    @SuppressWarnings("unchecked")
    private static Operand<TInt32> asInt(Output<?> o) {
        return (Operand<TInt32>) o;
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> asFloat(Output<?> o) {
        return (Operand<TFloat32>) o;
    }
}
