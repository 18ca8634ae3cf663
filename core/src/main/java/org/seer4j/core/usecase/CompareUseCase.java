package org.seer4j.core.usecase;

import java.nio.file.Path;
import java.util.List;
import org.seer4j.core.config.RunConfig;

/** Driving port: a backend comparison study, every engine from the same weights on the same batches. */
public interface CompareUseCase {

    record Command(RunConfig config, List<String> backends, int steps, Path outDir) {
    }

    /** Per-engine loss curves, throughput and the largest per-step loss difference. */
    record Result(List<String> backends, List<double[]> losses, List<Double> imagesPerSecond, double maxLossDifference,
                  boolean conformant) {
    }

    Result compare(Command command);
}
