package org.seer4j.core.config;

/**
 * The {@code train} section: run length, batch, seed, cadence.
 *
 * @param batchSize        global batch (images, each giving every crop)
 * @param epochs           passes over the data when {@code steps} is 0
 * @param steps            total optimiser steps; 0 means derive from epochs
 * @param seed             seeds weights, data order and augmentation
 * @param logEvery         steps between metric records
 * @param checkpointEvery  steps between checkpoints (0: only at the end)
 * @param keepCheckpoints  how many recent checkpoints to keep
 * @param activationCheckpointing keep only each trunk stage's input during forward and recompute the stage's
 *                         activations during backward (less memory, about one more forward pass of time)
 */
public record TrainConfig(int batchSize, int epochs, long steps, long seed, int logEvery, int checkpointEvery,
                          int keepCheckpoints, boolean activationCheckpointing) {

    /** Settings without activation checkpointing. */
    public TrainConfig(int batchSize, int epochs, long steps, long seed, int logEvery, int checkpointEvery,
                       int keepCheckpoints) {
        this(batchSize, epochs, steps, seed, logEvery, checkpointEvery, keepCheckpoints, false);
    }

    public TrainConfig {
        Check.positive("train.batch_size", batchSize);
        Check.nonNegative("train.epochs", epochs);
        Check.nonNegative("train.steps", steps);
        if (epochs == 0 && steps == 0) throw new ConfigException("train.steps", "either train.steps or train.epochs must be > 0");
        Check.positive("train.log_every", logEvery);
        Check.nonNegative("train.checkpoint_every", checkpointEvery);
        Check.positive("train.keep_checkpoints", keepCheckpoints);
    }

    public static TrainConfig defaults() {
        return new TrainConfig(64, 1, 0, 0, 10, 100, 3);
    }
}
