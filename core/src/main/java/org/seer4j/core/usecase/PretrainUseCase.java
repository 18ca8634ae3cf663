package org.seer4j.core.usecase;

import java.nio.file.Path;
import org.seer4j.core.config.RunConfig;

/** Driving port: run SwAV pretraining as configured, resuming from {@code outDir}'s latest checkpoint if any. */
public interface PretrainUseCase {

    record Command(RunConfig config, Path outDir) {
    }

    record Summary(long steps, double finalLoss, double imagesPerSecond, Path lastCheckpoint) {
    }

    Summary pretrain(Command command);
}
