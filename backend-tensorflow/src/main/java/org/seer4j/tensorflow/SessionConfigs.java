package org.seer4j.tensorflow;

import org.tensorflow.proto.ConfigProto;

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
            }
            case "auto" -> {
                if (!gpuNativesPresent()) b.putDeviceCount("GPU", 0);
            }
            default -> throw new IllegalArgumentException("backend.device must be auto, cpu or gpu, got " + device);
        }
        if (threads > 0) {
            b.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(threads);
        }
        return b.build();
    }
}
