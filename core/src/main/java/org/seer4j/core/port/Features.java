package org.seer4j.core.port;

import org.seer4j.core.tensor.Tensor;

/** Inference output: pooled last-stage features [N, C] and, when the model has a classifier, logits [N, classes]. */
public record Features(Tensor pooled, Tensor logits) {
    public boolean hasLogits() {
        return logits != null;
    }
}
