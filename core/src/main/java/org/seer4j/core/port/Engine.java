package org.seer4j.core.port;

import org.seer4j.core.model.ModelDefinition;

/** Driven port: a tensor engine (DJL/PyTorch, TensorFlow Java) that builds and runs models. */
public interface Engine {

    /** Short name used in configs: {@code djl}, {@code tensorflow}. */
    String name();

    /** Engine and native library versions, for provenance. */
    String version();

    /** Builds the model with the core's seeded initial weights. */
    SwavModel open(ModelDefinition model, EngineSettings settings);

    /** The engine's own implementation of the SwAV objective, for checks against the core's reference. */
    SwavObjective objective();

    /** The engine's own single-precision matrix-multiply rate on n x n x n, in GFLOP/s (the MFU denominator). */
    double sgemmGflops(int n, int threads);
}
