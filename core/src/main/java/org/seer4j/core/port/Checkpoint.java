package org.seer4j.core.port;

import java.util.Map;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorReader;

/**
 * A resumable training state with its provenance. The tensors are chunked readers: when saving, views of the
 * engine's memory; when resuming, views of the files, so a checkpoint of any size moves in bounded chunks.
 *
 * @param step          optimiser steps done
 * @param weights       model weights under interchange names
 * @param trainingState optimiser momentum, queue
 * @param metadata      effective config, seed, engine and version, data position, git commit...
 */
public record Checkpoint(long step, TensorReader weights, TensorReader trainingState,
                         Map<String, String> metadata) {
    public Checkpoint {
        java.util.Objects.requireNonNull(weights, "weights");
        java.util.Objects.requireNonNull(trainingState, "trainingState");
        metadata = Map.copyOf(metadata);
    }

    /** A checkpoint of tensors on the heap (small models, tests). */
    public Checkpoint(long step, Map<String, Tensor> weights, Map<String, Tensor> trainingState,
                      Map<String, String> metadata) {
        this(step, TensorReader.of(weights), TensorReader.of(trainingState), metadata);
    }
}
