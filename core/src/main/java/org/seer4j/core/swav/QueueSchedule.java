package org.seer4j.core.swav;

import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.SwavConfig;

/**
 * The one rule for SwAV's queue, for every worker of a data-parallel job and for the planner.
 *
 * <p>{@code swav.queue_length} is the queue of the whole job, as in SwAV's {@code main_swav.py}: each of the
 * {@code workers} keeps its own queue of {@code queue_length / workers} rows per assigning crop and pushes its own
 * {@code localBatch} embeddings into it at every step from {@code swav.queue_start_iteration} on. The distributed
 * Sinkhorn spans every worker's queue, so the job's queue is the union of the workers' queues: the same embeddings
 * a single worker with the whole batch would hold in a queue of {@code queue_length} rows. Every worker's queue
 * is therefore full at the same iteration as the single worker's, after {@code queue_length / global batch}
 * filling steps, and only then do its scores join Sinkhorn.
 *
 * @param length         {@code swav.queue_length}, rows of the whole job (0: no queue)
 * @param startIteration {@code swav.queue_start_iteration}, the first step whose embeddings are pushed
 * @param localBatch     images per worker and step
 * @param workers        data-parallel workers
 */
public record QueueSchedule(int length, long startIteration, int localBatch, int workers) {

    public QueueSchedule {
        if (length < 0 || startIteration < 0 || localBatch < 1 || workers < 1) {
            throw new IllegalArgumentException("queue schedule needs length >= 0, start >= 0, a batch >= 1 and"
                    + " workers >= 1, got " + length + ", " + startIteration + ", " + localBatch + ", " + workers);
        }
        if (length % workers != 0) {
            throw new ConfigException("swav.queue_length", "is " + length + ", which does not split evenly between"
                    + " the " + workers + " data-parallel workers (each keeps queue_length / workers rows)");
        }
        if (length > 0 && length / workers < localBatch) {
            throw new ConfigException("swav.queue_length", "is " + length + ": each of the " + workers + " workers"
                    + " would keep " + length / workers + " rows, fewer than its batch of " + localBatch);
        }
    }

    /** The schedule of {@code swav} for workers that each train on {@code localBatch} images per step. */
    public static QueueSchedule of(SwavConfig swav, int localBatch, int workers) {
        return new QueueSchedule(swav.queueLength(), swav.queueStartIteration(), localBatch, workers);
    }

    /** Rows of each worker's queue (per assigning crop): {@code queue_length / workers}. */
    public int rowsPerWorker() {
        return length / workers;
    }

    /** Whether step {@code iteration} pushes its embeddings into the queue. */
    public boolean fills(long iteration) {
        return length > 0 && iteration >= startIteration;
    }

    /**
     * Whether the queue is full before step {@code iteration}: every filling step before it pushed
     * {@code localBatch} rows into each worker's queue, and together they reach {@code rowsPerWorker()}.
     */
    public boolean full(long iteration) {
        long filled = iteration - startIteration;
        return length > 0 && filled > 0 && filled * localBatch >= rowsPerWorker();
    }
}
