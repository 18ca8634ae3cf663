package org.seer4j.core.model;

import java.util.Arrays;

/**
 * One named tensor of a model under its interchange name (torchvision's state-dict name), with its shape
 * (conv weights OIHW, linear weights [out, in]) and what kind of tensor it is.
 */
public record ParameterSpec(String name, int[] shape, Kind kind) {

    /** What a tensor is for: decides its initialisation, whether it trains and whether it gets weight decay. */
    public enum Kind {
        CONV_WEIGHT, CONV_BIAS, LINEAR_WEIGHT, LINEAR_BIAS, BN_WEIGHT, BN_BIAS, BN_RUNNING_MEAN, BN_RUNNING_VAR,
        PROTOTYPES;

        /** Running statistics are buffers: saved and loaded, never given gradients. */
        public boolean trainable() {
            return this != BN_RUNNING_MEAN && this != BN_RUNNING_VAR;
        }

        /** Biases and BN affine parameters, which SEER's recipes may exclude from weight decay. */
        public boolean isBiasOrNorm() {
            return this == CONV_BIAS || this == LINEAR_BIAS || this == BN_WEIGHT || this == BN_BIAS;
        }
    }

    public ParameterSpec {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("parameter needs a name");
        shape = shape.clone();
        if (kind == null) throw new IllegalArgumentException("parameter " + name + " needs a kind");
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public long size() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public boolean trainable() {
        return kind.trainable();
    }

    public boolean isBiasOrNorm() {
        return kind.isBiasOrNorm();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterSpec p && name.equals(p.name) && Arrays.equals(shape, p.shape) && kind == p.kind;
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + kind.hashCode();
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + kind;
    }
}
