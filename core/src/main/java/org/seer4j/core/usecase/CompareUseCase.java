package org.seer4j.core.usecase;

import java.util.List;
import org.seer4j.core.config.RunConfig;

/** Driving port: a backend comparison study, every engine from the same weights on the same batches. */
public interface CompareUseCase {

    /**
     * @param tolerance relative per-step loss tolerance of the verdict: |loss - reference loss| <= tolerance x
     *                  |reference loss| at every step (the first backend is the reference)
     */
    record Command(RunConfig config, List<String> backends, int steps, double tolerance) {
        public Command {
            backends = List.copyOf(backends);
        }
    }

    /**
     * One engine's run.
     *
     * @param losses          the loss of every step
     * @param stepNanos       the wall time of every step (the engine's {@code step} call)
     * @param imagesPerSecond batch size over the median step time (warm-up steps, which TensorFlow pays for each
     *                        new graph, do not count)
     * @param memoryBytes     the largest memory reading taken after any step, less the reading before the engine
     *                        was opened (what the reading is depends on the gauge: the app reads the process RSS)
     */
    record EngineRun(String backend, String version, double[] losses, long[] stepNanos, double imagesPerSecond,
                     long memoryBytes) {
    }

    /**
     * @param maxLossDifference           the largest |loss - reference loss| over every step and engine
     * @param maxRelativeLossDifference   the same, divided by |reference loss| of the step
     * @param maxRelativeWeightDifference after the run, the largest |w - w_ref| of any tensor divided by that
     *                                    tensor's largest |w_ref|, floored at 1 (tensors that stay near zero,
     *                                    such as biases right before a batch norm, are compared absolutely)
     * @param conformant                  every step within the tolerance (and every loss finite)
     */
    record Result(List<EngineRun> runs, double maxLossDifference, double maxRelativeLossDifference,
                  double maxRelativeWeightDifference, double tolerance, boolean conformant) {
        public Result {
            runs = List.copyOf(runs);
        }
    }

    Result compare(Command command);
}
