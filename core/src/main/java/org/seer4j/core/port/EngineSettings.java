package org.seer4j.core.port;

import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.ViewsConfig;

/**
 * How an engine should run a model: device ({@code auto|cpu|gpu}), intra-op threads (0: engine default), the seed
 * of the initial weights, and the objective and optimiser settings the training step follows.
 */
public record EngineSettings(String device, int threads, long seed, SwavConfig swav, OptimConfig optim,
                             ViewsConfig views, int batchSize, Collective collective) {
}
