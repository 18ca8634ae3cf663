package org.seer4j.tensorflow;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Where the network graph takes a named tensor's value from: trainable variables, or frozen constants. */
interface WeightSource {

    /** The value of the tensor {@code name}, in the graph's internal layout (HWIO for convolutions). */
    Operand<TFloat32> value(String name, TfVariable.Kind kind, int... interchangeShape);
}
