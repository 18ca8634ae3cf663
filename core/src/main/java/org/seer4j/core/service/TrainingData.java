package org.seer4j.core.service;

import org.seer4j.core.port.BatchSource;

/**
 * The batches a run trains on and how many images an epoch holds ({@code train.epochs} turns into steps through
 * it; unreadable images found later only make an epoch end early, the step count stays as planned).
 */
public record TrainingData(BatchSource batches, long imagesPerEpoch) {
    public TrainingData {
        if (batches == null) throw new IllegalArgumentException("batches are required");
        if (imagesPerEpoch < 0) throw new IllegalArgumentException("images per epoch must be >= 0, got " + imagesPerEpoch);
    }
}
