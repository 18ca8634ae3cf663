package org.seer4j.core.service;

/** Watches a pretraining run (progress bars, logs). Called on the training thread: keep it quick. */
public interface ProgressListener {

    /** The run starts at {@code startStep} (above 0 when resumed) and will end at {@code totalSteps}. */
    default void started(long startStep, long totalSteps, String description) {
    }

    void stepped(Progress progress);

    default void checkpointed(long step) {
    }

    /** The run ended: {@code stopped} when a stop request cut it short. */
    default void finished(long step, boolean stopped) {
    }

    ProgressListener NONE = progress -> {
    };
}
