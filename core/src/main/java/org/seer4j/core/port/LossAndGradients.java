package org.seer4j.core.port;

import java.util.Map;
import org.seer4j.core.tensor.Tensor;

/** A loss and gradients of it by interchange name (for conformance checks between engines). */
public record LossAndGradients(double loss, Map<String, Tensor> gradients) {
    public LossAndGradients {
        gradients = Map.copyOf(gradients);
    }
}
