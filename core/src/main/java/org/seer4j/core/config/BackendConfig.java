package org.seer4j.core.config;

import java.util.List;

/**
 * The {@code backend} section: which engine does the tensor math, on which device, with how many threads.
 *
 * @param threads intra-op threads; 0 lets the engine choose
 * @param syncBnGroupSize data-parallel workers whose batches one training-mode BN normalises together, in groups
 *     of consecutive ranks (SEER used 64); 0 means every worker. It must divide the number of workers, which is
 *     known only when training starts.
 * @param shardOptimizerState data-parallel workers each keep the optimiser state (momentum) of their share of the
 *     parameter tensors only, ZeRO stage 1: gradients are reduce-scattered, each worker updates its tensors, the
 *     weights are all-gathered. The same training, 1/N of the state per worker.
 */
public record BackendConfig(String name, String device, int threads, int syncBnGroupSize,
                            boolean shardOptimizerState) {

    public static final List<String> NAMES = List.of("djl", "tensorflow");
    public static final List<String> DEVICES = List.of("auto", "cpu", "gpu");

    public BackendConfig {
        Check.oneOf("backend.name", name, NAMES);
        Check.oneOf("backend.device", device, DEVICES);
        Check.nonNegative("backend.threads", threads);
        Check.nonNegative("backend.sync_bn_group_size", syncBnGroupSize);
    }

    /** A backend whose workers each keep the whole optimiser state. */
    public BackendConfig(String name, String device, int threads, int syncBnGroupSize) {
        this(name, device, threads, syncBnGroupSize, false);
    }

    public static BackendConfig defaults() {
        return new BackendConfig("djl", "auto", 0, 0, false);
    }
}
