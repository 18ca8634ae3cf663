package org.seer4j.core.port;

import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.swav.QueueSchedule;

/**
 * How an engine should run a model: device ({@code auto|cpu|gpu}), intra-op threads (0: engine default), the seed
 * of the initial weights, the objective and optimiser settings the training step follows, the data-parallel
 * workers, how many of them share BN statistics ({@code syncBnGroupSize}, 0: all of them), and whether the trunk
 * recomputes each stage's activations during backward instead of keeping them ({@code activationCheckpointing}),
 * and whether each worker keeps the optimiser state of its share of the tensors only ({@code shardOptimizerState},
 * see {@link org.seer4j.core.optim.OptimizerShards}).
 */
public record EngineSettings(String device, int threads, long seed, SwavConfig swav, OptimConfig optim,
                             ViewsConfig views, int batchSize, Collective collective, int syncBnGroupSize,
                             boolean activationCheckpointing, boolean shardOptimizerState) {

    /** Settings whose workers each keep the whole optimiser state. */
    public EngineSettings(String device, int threads, long seed, SwavConfig swav, OptimConfig optim,
                          ViewsConfig views, int batchSize, Collective collective, int syncBnGroupSize,
                          boolean activationCheckpointing) {
        this(device, threads, seed, swav, optim, views, batchSize, collective, syncBnGroupSize,
                activationCheckpointing, false);
    }

    /** Settings that keep every activation for backward. */
    public EngineSettings(String device, int threads, long seed, SwavConfig swav, OptimConfig optim,
                          ViewsConfig views, int batchSize, Collective collective, int syncBnGroupSize) {
        this(device, threads, seed, swav, optim, views, batchSize, collective, syncBnGroupSize, false);
    }

    /** Settings whose training-mode BN spans every worker. */
    public EngineSettings(String device, int threads, long seed, SwavConfig swav, OptimConfig optim,
                          ViewsConfig views, int batchSize, Collective collective) {
        this(device, threads, seed, swav, optim, views, batchSize, collective, 0);
    }

    /**
     * The queue rule of this worker ({@code batchSize} images per step, one of the collective's workers): its
     * queue holds {@code swav.queue_length / workers} rows; null without SwAV settings.
     */
    public QueueSchedule queue() {
        return swav == null ? null : QueueSchedule.of(swav, batchSize, collective == null ? 1 : collective.worldSize());
    }

    /** The workers of one SyncBN group (1: local BN), checked against the collective's world size. */
    public int syncBnWorkers() {
        int world = collective == null ? 1 : collective.worldSize();
        return Collective.resolveGroupSize(syncBnGroupSize, world);
    }
}
