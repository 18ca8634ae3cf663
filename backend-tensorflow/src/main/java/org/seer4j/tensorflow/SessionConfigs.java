package org.seer4j.tensorflow;

import org.seer4j.core.distributed.GpuPlacement;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/** Device and thread settings as a TensorFlow session configuration. */
final class SessionConfigs {
    private static final String GPU_NATIVES = "org/tensorflow/internal/c_api/linux-x86_64-gpu/";

    private SessionConfigs() {
    }

    static boolean gpuNativesPresent() {
        return SessionConfigs.class.getClassLoader().getResource(GPU_NATIVES) != null;
    }

    /**
     * {@code cpu} hides any GPU; {@code gpu} needs the GPU natives; {@code auto} takes a GPU only when they are
     * there. {@code threads} 0 keeps TensorFlow's defaults.
     */
    static ConfigProto of(String device, int threads) {
        return of(device, threads, 0);
    }

    /**
     * As above for the worker of {@code localRank} on its node: on a GPU it sees only the GPU of its local rank
     * ({@link GpuPlacement}; how many there are is {@code CUDA_VISIBLE_DEVICES}'s count, or unknown).
     */
    static ConfigProto of(String device, int threads, int localRank) {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        ConfigProto.Builder b = ConfigProto.newBuilder();
        switch (device) {
            case "cpu" -> b.putDeviceCount("GPU", 0);
            case "gpu" -> {
                if (!gpuNativesPresent()) {
                    throw new IllegalStateException("backend.device gpu: the TensorFlow GPU natives are not on the"
                            + " class path; add org.tensorflow:tensorflow-core-native with classifier"
                            + " linux-x86_64-gpu (needs CUDA 12 and cuDNN 9), or use device cpu");
                }
                placeOnGpu(b, localRank, GpuPlacement.visibleGpus(System.getenv("CUDA_VISIBLE_DEVICES")));
            }
            case "auto" -> {
                int visible = GpuPlacement.visibleGpus(System.getenv("CUDA_VISIBLE_DEVICES"));
                if (!gpuNativesPresent()) {
                    b.putDeviceCount("GPU", 0);
                } else if (visible > 0) {
                    // only when GPUs are known to exist: a device list naming a GPU the machine lacks is an error
                    placeOnGpu(b, localRank, visible);
                }
            }
            default -> throw new IllegalArgumentException("backend.device must be auto, cpu or gpu, got " + device);
        }
        if (threads > 0) {
            b.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(threads);
        }
        return b.build();
    }

    /**
     * As {@link #of(String, int, int)} for a training step whose {@code groups} crop groups pass the trunk
     * independently until the head. TensorFlow's executor runs ready ops side by side on its inter-op threads, so
     * each group's chain of ops gets an inter-op thread and each op the rest of the thread budget as intra-op
     * threads ({@code threads} 0: every core). On this project's 2-core machine intra-op 1 / inter-op 2 ran the bench
     * step about 20% faster than 2 / 2: oneDNN's and Eigen's kernels on these small maps gain little from a second
     * thread, and every parallel kernel handed work to a pool thread and back (36,000 context switches a second).
     *
     * <p>The inter-op threads are the session's own ({@code use_per_session_threads}). The intra-op pool is the
     * process's, made by its first session, unless {@code TF_OVERRIDE_GLOBAL_THREADPOOL=1} is in the environment
     * when TensorFlow loads (the launcher sets it): then each session has a pool of its own size.
     */
    static ConfigProto forCropGroups(String device, int threads, int groups, int localRank) {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        int budget = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        int interOp = Math.max(1, Math.min(groups, budget));
        return of(device, 0, localRank).toBuilder()
                .setInterOpParallelismThreads(interOp)
                .setIntraOpParallelismThreads(Math.max(1, budget / interOp))
                .setUsePerSessionThreads(true)
                .build();
    }

    /** Shows the session only the GPU of {@code localRank} (TF numbers the visible ones from 0 again). */
    static ConfigProto.Builder placeOnGpu(ConfigProto.Builder b, int localRank, int visibleGpus) {
        if (visibleGpus == 0) return b.putDeviceCount("GPU", 0);
        return b.setGpuOptions(GPUOptions.newBuilder()
                .setVisibleDeviceList(Integer.toString(GpuPlacement.gpuFor(localRank, visibleGpus))));
    }
}
