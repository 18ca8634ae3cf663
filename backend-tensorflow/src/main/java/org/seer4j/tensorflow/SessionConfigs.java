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

    /** Shows the session only the GPU of {@code localRank} (TF numbers the visible ones from 0 again). */
    static ConfigProto.Builder placeOnGpu(ConfigProto.Builder b, int localRank, int visibleGpus) {
        if (visibleGpus == 0) return b.putDeviceCount("GPU", 0);
        return b.setGpuOptions(GPUOptions.newBuilder()
                .setVisibleDeviceList(Integer.toString(GpuPlacement.gpuFor(localRank, visibleGpus))));
    }
}
