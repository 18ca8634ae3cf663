package org.seer4j.core.service;

import org.seer4j.core.config.RunConfig;

/** Builds the multi-crop batches of a run from its {@code data}, {@code views} and {@code train} sections. */
@FunctionalInterface
public interface TrainingDataFactory {
    TrainingData open(RunConfig config);
}
