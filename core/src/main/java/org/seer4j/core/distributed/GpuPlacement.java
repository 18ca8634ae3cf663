package org.seer4j.core.distributed;

/**
 * Which GPU a worker trains on when {@code backend.device} is {@code gpu}: the one of its local rank, as
 * torchrun's convention has it ({@code LOCAL_RANK} = the worker's index on its node = its GPU). A node that shows
 * a worker exactly one GPU (a scheduler that gives every task its own, e.g. SLURM's {@code --gpus-per-task=1}
 * through {@code CUDA_VISIBLE_DEVICES}) means that GPU, whatever the local rank.
 */
public final class GpuPlacement {

    private GpuPlacement() {
    }

    /**
     * The index of this worker's GPU among the {@code visibleGpus} it sees ({@code < 0}: not known, e.g. before
     * TensorFlow has looked; then the local rank is taken as is).
     */
    public static int gpuFor(int localRank, int visibleGpus) {
        if (localRank < 0) throw new IllegalArgumentException("local rank must be >= 0, got " + localRank);
        if (visibleGpus == 0) throw new IllegalArgumentException("no GPU is visible to this worker");
        if (visibleGpus < 0) return localRank;
        if (visibleGpus == 1) return 0;
        if (localRank >= visibleGpus) {
            throw new IllegalArgumentException("LOCAL_RANK " + localRank + " has no GPU of its own: this node shows "
                    + visibleGpus + " GPUs; start at most " + visibleGpus + " workers per node (--nproc-per-node)"
                    + " or give each worker its own GPU (CUDA_VISIBLE_DEVICES)");
        }
        return localRank;
    }

    /** How many GPUs {@code CUDA_VISIBLE_DEVICES} lets this process see; -1 when it is not set (all of them). */
    public static int visibleGpus(String cudaVisibleDevices) {
        if (cudaVisibleDevices == null) return -1;
        String v = cudaVisibleDevices.trim();
        if (v.isEmpty() || v.equals("-1") || v.equalsIgnoreCase("NoDevFiles")) return 0;
        return v.split(",").length;
    }
}
