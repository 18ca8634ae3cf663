package org.seer4j.tensorflow;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;

/**
 * ReLU gradients that read the ReLU's output instead of its input.
 *
 * <p>TensorFlow's C++ gradient of Relu passes the op's input to ReluGrad, so every ReLU input (a BN output, a
 * residual sum) stays alive from forward to backward next to the ReLU's output, which the next convolution's
 * gradient keeps anyway: three tensors per convolution-BN-ReLU where torch keeps two (its in-place ReLU saves its
 * output). ReluGrad masks by {@code features > 0}, and {@code relu(x) > 0} exactly where {@code x > 0}, so feeding it
 * the output gives the same gradient bit for bit, and the input is freed as soon as the forward ReLU ran.
 */
final class ReluGradients {
    private ReluGradients() {
    }

    /**
     * Rewires every ReluGrad whose name starts with {@code gradientPrefix} and reads a Relu's input to read that
     * Relu's output. Returns how many were rewired.
     */
    static int readOutputs(Graph graph, String gradientPrefix) {
        List<GraphOperation> grads = new ArrayList<>();
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if (op.type().equals("ReluGrad") && op.name().startsWith(gradientPrefix)) grads.add(op);
        }
        int rewired = 0;
        for (GraphOperation grad : grads) {
            Output<?> features = grad.input(1);
            GraphOperation producer = (GraphOperation) features.op();
            for (GraphOperation relu : producer.consumers(features.index())) {
                if (relu.type().equals("Relu") && relu.input(0).equals(features)) {
                    GraphEdges.update(graph, relu.output(0), grad, 1);
                    rewired++;
                    break;
                }
            }
        }
        return rewired;
    }
}
