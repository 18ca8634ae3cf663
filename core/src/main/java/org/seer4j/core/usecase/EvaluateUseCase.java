package org.seer4j.core.usecase;

import java.nio.file.Path;
import org.seer4j.core.config.RunConfig;

/** Driving port: judge frozen trunk features by a linear probe and/or kNN. */
public interface EvaluateUseCase {

    /** {@code checkpoint} null with {@code randomInit} evaluates the untrained network of the same config. */
    record Command(RunConfig config, Path checkpoint, boolean randomInit) {
    }

    /** Accuracies in [0, 1]; NaN for a protocol not run. */
    record Result(double linearTop1, double knnTop1, int trainImages, int testImages) {
    }

    Result evaluate(Command command);
}
