package org.seer4j.core.port;

import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.tensor.TensorReader;

/** Driven port: a tensor engine (DJL/PyTorch, TensorFlow Java) that builds and runs models. */
public interface Engine {

    /** Short name used in configs: {@code djl}, {@code tensorflow}. */
    String name();

    /** Engine and native library versions, for provenance. */
    String version();

    /**
     * Builds the model with the core's seeded initial weights; an engine should fill its memory chunk by chunk
     * from {@code InitialWeights.reader(model, settings.seed())} through {@link #open(ModelDefinition,
     * EngineSettings, TensorReader)}, so the weights never sit whole on the Java heap.
     */
    SwavModel open(ModelDefinition model, EngineSettings settings);

    /**
     * Builds the model with the given initial weights (every tensor of the model's layout), read in chunks. The
     * default builds with the seeded weights and then loads these over them; engines override it to fill their
     * memory once.
     */
    default SwavModel open(ModelDefinition model, EngineSettings settings, TensorReader initialWeights) {
        SwavModel m = open(model, settings);
        try {
            m.loadWeights(initialWeights);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /**
     * Builds a trunk plus linear classifier ({@code model.classes() > 0}, no SwAV head) for supervised training,
     * filled from {@code initialWeights} (every tensor of the model's layout). Both shipped engines implement it;
     * the default says that an engine (a test double, a future adapter) cannot.
     */
    default ClassifierModel openClassifier(ModelDefinition model, ClassifierSettings settings,
                                           TensorReader initialWeights) {
        throw new UnsupportedOperationException("the " + name() + " engine cannot fine-tune");
    }

    /** The engine's own implementation of the SwAV objective, for checks against the core's reference. */
    SwavObjective objective();

    /** The engine's own single-precision matrix-multiply rate on n x n x n, in GFLOP/s (the MFU denominator). */
    double sgemmGflops(int n, int threads);
}
