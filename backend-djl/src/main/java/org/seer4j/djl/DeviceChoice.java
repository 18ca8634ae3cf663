package org.seer4j.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.seer4j.core.distributed.GpuPlacement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@code backend.device} ({@code auto|cpu|gpu}) against what the loaded native library can do; a GPU is
 * the one of the worker's local rank ({@link GpuPlacement}).
 */
final class DeviceChoice {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceChoice.class);

    static final String GPU_ROUTE = "backend.device is gpu, but the PyTorch native library DJL loaded has no CUDA "
            + "support (Maven Central only ships CPU libtorch). To train on a GPU, put a CUDA 12.8 build of "
            + "libtorch 2.7.1 on disk and start seer4j with PYTORCH_LIBRARY_PATH=<its lib folder> "
            + "PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 (pytorch-jni already carries the cu128 JNI bridge); "
            + "or set backend.device to cpu or auto.";

    private DeviceChoice() {
    }

    static Device resolve(String device, Engine engine) {
        return resolve(device, engine, 0);
    }

    /** As above for the worker of {@code localRank} on its node. */
    static Device resolve(String device, Engine engine, int localRank) {
        int gpus = engine.getGpuCount();
        return switch (device == null ? "auto" : device) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) throw new IllegalStateException(GPU_ROUTE);
                yield gpu(localRank, gpus);
            }
            case "auto" -> {
                Device chosen = gpus > 0 ? gpu(localRank, gpus) : Device.cpu();
                LOG.info("backend.device auto: using {}{}", chosen,
                        gpus > 0 ? "" : " (no CUDA-enabled libtorch found; see backend.device gpu for the route)");
                yield chosen;
            }
            default -> throw new IllegalArgumentException("backend.device must be auto, cpu or gpu, got " + device);
        };
    }

    /** The GPU of the worker of {@code localRank} on a node whose libtorch sees {@code gpus} of them. */
    static Device gpu(int localRank, int gpus) {
        return Device.gpu(GpuPlacement.gpuFor(localRank, gpus));
    }
}
