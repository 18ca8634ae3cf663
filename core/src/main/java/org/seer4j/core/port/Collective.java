package org.seer4j.core.port;

/**
 * Driven port: the collective operations data-parallel SwAV needs (gradient averaging, the global sums inside
 * Sinkhorn-Knopp, synchronised BN statistics, the initial weight broadcast). One process is the identity.
 */
public interface Collective extends AutoCloseable {

    int rank();

    int worldSize();

    /**
     * This worker among those on its node (torchrun's {@code LOCAL_RANK}): engines place it on that GPU
     * ({@code GpuPlacement}). Workers in one process (threads, tests) are all 0.
     */
    default int localRank() {
        return 0;
    }

    /** Replaces {@code buffer} on every worker by the element-wise sum over all workers. */
    void allReduceSum(float[] buffer);

    /**
     * Replaces {@code buffer} on every worker by the element-wise sum over all workers, in double precision where
     * the adapter supports it (Sinkhorn's sums). This default goes through single precision, losing digits beyond
     * about 1e-7 relative; adapters on runtimes that reduce doubles override it.
     */
    default void allReduceSum(double[] buffer) {
        float[] single = new float[buffer.length];
        for (int i = 0; i < buffer.length; i++) {
            single[i] = (float) buffer[i];
        }
        allReduceSum(single);
        for (int i = 0; i < buffer.length; i++) {
            buffer[i] = single[i];
        }
    }

    /**
     * Replaces {@code buffer} by the element-wise sum over this worker's group: the {@code groupSize} consecutive
     * ranks {@code [g * groupSize, (g + 1) * groupSize)} that hold it (SEER's SyncBN groups). {@code groupSize} must
     * divide the world size (see {@link #checkGroupSize}); the world size itself is a plain all-reduce.
     *
     * <p>This default works on any adapter: one world all-reduce of a buffer with one slot per group, where each
     * worker fills only its group's slot. It moves worldSize / groupSize times the data of a plain all-reduce (the
     * same number of round trips); runtimes with native subgroups may override it.
     */
    default void allReduceSum(float[] buffer, int groupSize) {
        int groups = checkGroupSize(groupSize, worldSize());
        if (groups == 1) {
            allReduceSum(buffer);
            return;
        }
        float[] slots = new float[groups * buffer.length];
        int mine = rank() / groupSize * buffer.length;
        System.arraycopy(buffer, 0, slots, mine, buffer.length);
        allReduceSum(slots);
        System.arraycopy(slots, mine, buffer, 0, buffer.length);
    }

    /** {@link #allReduceSum(float[], int)} in double precision where the adapter reduces doubles. */
    default void allReduceSum(double[] buffer, int groupSize) {
        int groups = checkGroupSize(groupSize, worldSize());
        if (groups == 1) {
            allReduceSum(buffer);
            return;
        }
        double[] slots = new double[groups * buffer.length];
        int mine = rank() / groupSize * buffer.length;
        System.arraycopy(buffer, 0, slots, mine, buffer.length);
        allReduceSum(slots);
        System.arraycopy(slots, mine, buffer, 0, buffer.length);
    }

    /**
     * The number of groups of {@code groupSize} workers in a world of {@code worldSize}; fails with a message naming
     * the config key unless the size is positive and divides the world.
     */
    static int checkGroupSize(int groupSize, int worldSize) {
        if (groupSize < 1 || worldSize % groupSize != 0) {
            throw new IllegalArgumentException("backend.sync_bn_group_size = " + groupSize + " must divide the "
                    + "number of workers (" + worldSize + "); use 0 for one group of every worker");
        }
        return worldSize / groupSize;
    }

    /** The group size {@code backend.sync_bn_group_size} asks for: 0 means every worker; otherwise checked. */
    static int resolveGroupSize(int configured, int worldSize) {
        if (configured == 0) return worldSize;
        checkGroupSize(configured, worldSize);
        return configured;
    }

    /** Replaces {@code buffer} on every worker by the root's. */
    void broadcast(float[] buffer, int root);

    void barrier();

    @Override
    default void close() {
    }

    /** The single-process collective: every operation leaves the data as it is. */
    Collective SINGLE = new Collective() {
        public int rank() {
            return 0;
        }

        public int worldSize() {
            return 1;
        }

        public void allReduceSum(float[] buffer) {
        }

        public void allReduceSum(double[] buffer) {
        }

        public void broadcast(float[] buffer, int root) {
        }

        public void barrier() {
        }
    };
}
