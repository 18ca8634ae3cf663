package org.seer4j.core.service;

/**
 * Where a run stands after a step.
 *
 * @param step            steps done (1 after the first step)
 * @param totalSteps      steps the run will do in all
 * @param epoch           0-based epoch of the step's batch
 * @param loss            the step's loss
 * @param lr              the step's learning rate
 * @param imagesPerSecond images per second since the run (or resume) started
 * @param etaSeconds      estimated seconds to the end at that rate
 */
public record Progress(long step, long totalSteps, long epoch, double loss, double lr, double imagesPerSecond,
                       double etaSeconds) {
}
