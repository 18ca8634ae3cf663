package org.seer4j.core.service;

import org.seer4j.core.config.RunConfig;
import org.seer4j.core.image.Shard;

/** Builds the multi-crop batches of a run from its {@code data}, {@code views} and {@code train} sections. */
@FunctionalInterface
public interface TrainingDataFactory {
    TrainingData open(RunConfig config);

    /**
     * The batches of one data-parallel worker: the positions of {@code rank}'s shard, {@code train.batch_size /
     * rank.count()} images per batch. Factories that cannot shard refuse more than one worker.
     */
    default TrainingData open(RunConfig config, Shard rank) {
        if (rank.count() == 1) {
            return open(config);
        }
        throw new UnsupportedOperationException("this training data cannot be split between " + rank.count()
                + " data-parallel workers");
    }
}
