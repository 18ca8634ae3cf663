package org.seer4j.core.usecase;

import java.nio.file.Path;
import java.util.List;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.image.RgbImage;

/** Driving port: judge frozen trunk features by a linear probe and/or kNN. */
public interface EvaluateUseCase {

    /** {@code checkpoint} null with {@code randomInit} evaluates the untrained network of the same config. */
    record Command(RunConfig config, Path checkpoint, boolean randomInit) {
    }

    /**
     * Accuracies in [0, 1]; NaN for a protocol not run. {@code neighbours}: a few test images with their nearest
     * training images in feature space.
     */
    record Result(double linearTop1, double knnTop1, int trainImages, int testImages, List<Neighbours> neighbours) {
        public Result {
            neighbours = List.copyOf(neighbours);
        }

        public Result(double linearTop1, double knnTop1, int trainImages, int testImages) {
            this(linearTop1, knnTop1, trainImages, testImages, List.of());
        }
    }

    /** One image of a neighbour grid: the view the trunk saw, and its cosine similarity to the query (1 for itself). */
    record Thumbnail(String id, int label, double similarity, RgbImage image) {
    }

    /** A test image and the training images nearest to it, most similar first. */
    record Neighbours(Thumbnail query, List<Thumbnail> nearest) {
        public Neighbours {
            nearest = List.copyOf(nearest);
        }
    }

    Result evaluate(Command command);
}
