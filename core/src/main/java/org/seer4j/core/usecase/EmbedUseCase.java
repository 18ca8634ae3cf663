package org.seer4j.core.usecase;

import java.nio.file.Path;
import org.seer4j.core.config.RunConfig;

/** Driving port: pooled trunk features for every image of a source, written to a file. */
public interface EmbedUseCase {

    record Command(RunConfig config, Path checkpoint, Path output) {
    }

    /** How many images were embedded and how many skipped. */
    record Result(long embedded, long skipped, int featureWidth) {
    }

    Result embed(Command command);
}
