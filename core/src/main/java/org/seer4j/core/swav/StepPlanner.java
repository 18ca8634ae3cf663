package org.seer4j.core.swav;

import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.TrainConfig;
import org.seer4j.core.optim.LrSchedule;
import org.seer4j.core.port.StepPlan;

/**
 * Decides, for each iteration, what the engine does: the scheduled learning rate, whether the prototypes are
 * frozen ({@code iteration < freeze_prototypes_iters}) and whether the queue joins Sinkhorn
 * (the queue is full before it: {@link QueueSchedule}, the same rule every worker's engine follows).
 */
public final class StepPlanner {
    private final SwavConfig swav;
    private final LrSchedule schedule;
    private final QueueSchedule queue;

    /** The planner at the global {@code batchSize}; every worker's queue fills with it as one worker's would. */
    public StepPlanner(SwavConfig swav, OptimConfig optim, int batchSize, long totalSteps) {
        if (swav == null || optim == null) {
            throw new IllegalArgumentException("swav and optim settings are required");
        }
        this.swav = swav;
        this.schedule = LrSchedule.of(optim, batchSize, totalSteps);
        this.queue = QueueSchedule.of(swav, batchSize, 1);
    }

    /** The planner of a run of {@code totalSteps} steps at the configured batch size. */
    public static StepPlanner of(RunConfig config, long totalSteps) {
        return new StepPlanner(config.swav(), config.optim(), config.train().batchSize(), totalSteps);
    }

    /**
     * Total optimiser steps: {@code train.steps} when set, else epochs of {@code imagesPerEpoch / batch} full
     * batches (the last partial batch is dropped, as SwAV's loader does).
     */
    public static long totalSteps(TrainConfig train, long imagesPerEpoch) {
        if (train.steps() > 0) {
            return train.steps();
        }
        long perEpoch = imagesPerEpoch / train.batchSize();
        if (perEpoch == 0) {
            throw new IllegalArgumentException("an epoch of " + imagesPerEpoch
                    + " images holds no full batch of train.batch_size = " + train.batchSize());
        }
        return Math.multiplyExact(perEpoch, train.epochs());
    }

    public LrSchedule schedule() {
        return schedule;
    }

    /** The plan for {@code iteration}: the queue joins Sinkhorn once it is full ({@link QueueSchedule#full}). */
    public StepPlan plan(long iteration) {
        return new StepPlan(iteration, schedule.at(iteration), freezesPrototypes(iteration), queue.full(iteration));
    }

    public boolean freezesPrototypes(long iteration) {
        return iteration < swav.freezePrototypesIters();
    }

    /** Whether this step's embeddings are pushed into the queue (from queue_start_iteration on). */
    public boolean fillsQueue(long iteration) {
        return queue.fills(iteration);
    }
}
