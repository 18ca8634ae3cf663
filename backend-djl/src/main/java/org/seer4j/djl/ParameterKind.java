package org.seer4j.djl;

/** How the optimiser treats a named tensor of the model. */
enum ParameterKind {
    /** Conv and linear weights, prototypes: weight decay and LARC scaling apply. */
    WEIGHT,
    /** Biases and BN affine parameters: excluded from LARC and weight decay when the config says so. */
    BIAS_OR_NORM,
    /** BN running statistics: carried with the weights, never trained. */
    BUFFER;

    boolean trainable() {
        return this != BUFFER;
    }
}
