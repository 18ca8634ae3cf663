package org.seer4j.core.usecase;

import java.nio.file.Path;
import java.util.Map;
import org.seer4j.core.config.RunConfig;

/** Driving port: run SwAV pretraining as configured, resuming from {@code outDir}'s latest checkpoint if any. */
public interface PretrainUseCase {

    /**
     * @param provenance extra checkpoint metadata from the caller (e.g. {@code config} = the effective YAML,
     *                   {@code git_commit}); may be empty
     */
    record Command(RunConfig config, Path outDir, Map<String, String> provenance) {
        public Command {
            provenance = Map.copyOf(provenance);
        }

        public Command(RunConfig config, Path outDir) {
            this(config, outDir, Map.of());
        }
    }

    /**
     * @param steps           steps done in all (resumed runs count the steps before the resume)
     * @param finalLoss       loss of the last step run in this call (NaN when none ran)
     * @param imagesPerSecond throughput of this call
     * @param lastCheckpoint  step of the last checkpoint written
     * @param stopped         a stop request ended the run before its last step
     */
    record Summary(long steps, double finalLoss, double imagesPerSecond, long lastCheckpoint, boolean stopped) {
    }

    Summary pretrain(Command command);
}
