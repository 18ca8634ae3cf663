package org.seer4j.core.port;

import java.util.Map;
import org.seer4j.core.tensor.Tensor;

/**
 * A resumable training state with its provenance.
 *
 * @param step          optimiser steps done
 * @param weights       model weights under interchange names
 * @param trainingState optimiser momentum, queue
 * @param metadata      effective config, seed, engine and version, data position, git commit...
 */
public record Checkpoint(long step, Map<String, Tensor> weights, Map<String, Tensor> trainingState,
                         Map<String, String> metadata) {
    public Checkpoint {
        weights = Map.copyOf(weights);
        trainingState = Map.copyOf(trainingState);
        metadata = Map.copyOf(metadata);
    }
}
