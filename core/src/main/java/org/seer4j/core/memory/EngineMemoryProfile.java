package org.seer4j.core.memory;

import java.util.Map;

/**
 * What an engine adds to the exact terms of a {@link MemoryPlan}: four constants per engine, fitted to peak RSS
 * measured on this project's workloads (docs/scale.md lists the runs they come from).
 *
 * @param engine             the {@code backend.name} it describes
 * @param runtimeBytes       the process at rest: JVM (heap in use, metaspace, code), the engine's native
 *                           libraries and thread pools, the data pipeline; a small model's peak less its tensors
 * @param gradientsPerSegment whether backward applies each segment's update (the head, each residual block, the
 *                           stem) and frees its gradients as it passes, so only the largest segment's gradients
 *                           are alive at once; otherwise every gradient is held until the update
 * @param gradientsPerCropGroup whether a segment's gradients exist once per crop group before they are summed
 *                           (TensorFlow differentiates every group's output of the segment at once and adds the
 *                           groups' partial gradients), so the held gradients count once per crop group
 * @param recomputePerBlock  whether activation checkpointing keeps each residual block's input and rebuilds one
 *                           block at a time, rather than one stage at a time
 * @param bfloat16State      whether the engine keeps optimizer state in bfloat16 ({@code optim.state_dtype})
 * @param activationFactor   measured kept activations over the {@link ActivationCount} hand count (allocator
 *                           rounding, engine-internal copies such as layout conversions)
 * @param workspaceFactor    transient buffers of backward (gradients of activations, convolution workspaces), in
 *                           multiples of the largest single activation tensor of a crop group's batch
 */
public record EngineMemoryProfile(String engine, long runtimeBytes, boolean gradientsPerSegment,
                                  boolean gradientsPerCropGroup, boolean recomputePerBlock, boolean bfloat16State, double activationFactor,
                                  double workspaceFactor) {

    private static final long MIB = 1L << 20;

    /**
     * The fitted constants (2026-12-01, main's engines before issue 12's engine work; docs/scale.md has the runs):
     * the runtime from a 2-step run of RegNetY-200MF at batch 2 (peak RSS 343 MiB in DJL, 887 MiB in TensorFlow,
     * less its exact tensor bytes), the activation factor from the bench workload (911 MiB and 1696 MiB), the
     * workspace factor fixed at 3 (the gradient of an activation, the gradient of its input and a convolution
     * buffer). Checked on RegNetY-800MF at batch 8 (2x96 + 4x48): plan 0.88x the measured peak in DJL, 1.05x in
     * TensorFlow. The behaviours are the engines' since issue 12: DJL differentiates and updates segment by
     * segment and checkpoints per block, without bfloat16 state; TensorFlow applies fused momentum updates in the
     * graph as each gradient is ready, checkpoints per stage and keeps bfloat16 state.
     */
    private static final Map<String, EngineMemoryProfile> KNOWN = Map.of(
            // DJL's runtime refitted 2026-12-01 for the launcher's serial collector and -Xmx3g: the bench workload
            // peaked at 784-812 MiB instead of 911 MiB under G1 with -Xmx8g, the difference being Java heap
            "djl", new EngineMemoryProfile("djl", 206 * MIB, true, false, true, false, 1.75, 3.0),
            // TensorFlow's runtime refitted 2026-12-01 for the launcher's serial collector and -Xmx3g: 478-494 MiB
            // of RSS before the first weight is loaded (a RegNetY-32GF run); then lowered by 112 MiB for the
            // launcher's heap that starts at 64 MB with a 32 MB young generation (the bench workload peaked at
            // 1148 MiB instead of 1.19-1.49 GiB). Its gradients count once per crop group. With launcher defaults:
            // bench 1.07x, SEER's 256GF 0.91x (14.13 GiB), the full SEER network 0.93x (15.03 GiB); docs/scale.md
            "tensorflow", new EngineMemoryProfile("tensorflow", 400 * MIB, true, true, false, true, 2.55, 3.0));

    public EngineMemoryProfile {
        if (runtimeBytes < 0 || !(activationFactor > 0)
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
