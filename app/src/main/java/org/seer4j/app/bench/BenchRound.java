package org.seer4j.app.bench;

/**
 * One measured round of the benchmark: medians of its timed steps, in milliseconds, and its fastest step.
 *
 * @param imagesPerSecond images per second of the median step
 */
public record BenchRound(double imagesPerSecond, double stepMs, double bestStepMs, double forwardMs,
                         double backwardMs, double sinkhornMs, double updateMs) {
}
