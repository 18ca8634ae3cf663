package org.seer4j.core.memory;

import java.util.Map;

/**
 * What an engine adds to the exact terms of a {@link MemoryPlan}: four constants per engine, fitted to peak RSS
 * measured on this project's workloads (docs/scale.md lists the runs they come from).
 *
 * @param engine             the {@code backend.name} it describes
 * @param runtimeBytes       the process at rest: JVM (heap in use, metaspace, code), the engine's native
 *                           libraries and thread pools, the data pipeline; a small model's peak less its tensors
 * @param gradientFraction   share of the parameter gradients alive at the peak: 1 where every gradient is held
 *                           until the update, less where each is freed as soon as it is applied
 * @param activationFactor   measured kept activations over the {@link ActivationCount} hand count (allocator
 *                           rounding, engine-internal copies such as layout conversions)
 * @param workspaceFactor    transient buffers of backward (gradients of activations, convolution workspaces), in
 *                           multiples of the largest single activation tensor of a crop group's batch
 */
public record EngineMemoryProfile(String engine, long runtimeBytes, double gradientFraction, double activationFactor,
                                  double workspaceFactor) {

    private static final long MIB = 1L << 20;

    private static final Map<String, EngineMemoryProfile> KNOWN = Map.of(
            "djl", new EngineMemoryProfile("djl", 700 * MIB, 1.0, 1.0, 3.0),
            "tensorflow", new EngineMemoryProfile("tensorflow", 1000 * MIB, 1.0, 1.0, 3.0));

    public EngineMemoryProfile {
        if (runtimeBytes < 0 || !(gradientFraction >= 0 && gradientFraction <= 1) || !(activationFactor > 0)
                || !(workspaceFactor >= 0)) {
            throw new IllegalArgumentException("bad memory profile for " + engine);
        }
    }

    /** The profile of a {@code backend.name}. */
    public static EngineMemoryProfile of(String engine) {
        EngineMemoryProfile p = KNOWN.get(engine);
        if (p == null) throw new IllegalArgumentException("no memory profile for engine '" + engine + "'");
        return p;
    }
}
