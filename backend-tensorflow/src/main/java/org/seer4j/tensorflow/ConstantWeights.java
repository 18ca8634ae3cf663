package org.seer4j.tensorflow;

import java.util.Arrays;
import java.util.Map;
import org.seer4j.core.tensor.Tensor;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Weights frozen into graph constants, for exports that must not depend on resource variables. */
final class ConstantWeights implements WeightSource {
    private final Ops tf;
    private final Map<String, Tensor> weights;

    ConstantWeights(Ops tf, Map<String, Tensor> weights) {
        this.tf = tf.withSubScope("weights");
        this.weights = weights;
    }

    @Override
    public Operand<TFloat32> value(String name, TfVariable.Kind kind, int... interchangeShape) {
        Tensor t = weights.get(name);
        if (t == null) throw new IllegalArgumentException("the weights lack '" + name + "'");
        if (!Arrays.equals(t.shape(), interchangeShape)) {
            throw new IllegalArgumentException(name + " must be " + Arrays.toString(interchangeShape) + ", got "
                    + Arrays.toString(t.shape()));
        }
        Tensor internal = kind == TfVariable.Kind.CONV ? TfTensors.oihwToHwio(t) : t;
        return tf.constant(TfTensors.shape(internal.shape()), DataBuffers.of(internal.buffer()));
    }
}
