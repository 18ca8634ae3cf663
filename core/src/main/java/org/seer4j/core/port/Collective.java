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

    /**
     * Reduce-scatter (ZeRO's gradient step): afterwards this worker's range {@code [bounds[rank], bounds[rank + 1])}
     * of {@code buffer} holds the element-wise sum of that range over all workers; what the other ranges hold is
     * unspecified. {@code bounds} has worldSize + 1 non-decreasing entries from 0 to {@code buffer.length}, the same
     * on every worker. This default is an all-reduce (twice the bytes a ring reduce-scatter moves); adapters with
     * a native reduce-scatter override it.
     */
    default void reduceScatterSum(float[] buffer, int[] bounds) {
        checkBounds(bounds, buffer.length, worldSize());
        allReduceSum(buffer);
    }

    /**
     * All-gather (ZeRO's weight step): each worker contributes its range {@code [bounds[rank], bounds[rank + 1])}
     * of {@code buffer}; afterwards every range holds its owner's values on every worker. This default zeroes the
     * other ranges and all-reduces, which is exact (x + 0 = x; only the sign of a zero is lost) at twice the bytes
     * of a ring all-gather.
     */
    default void allGather(float[] buffer, int[] bounds) {
        checkBounds(bounds, buffer.length, worldSize());
        java.util.Arrays.fill(buffer, 0, bounds[rank()], 0f);
        java.util.Arrays.fill(buffer, bounds[rank() + 1], buffer.length, 0f);
        allReduceSum(buffer);
    }

    /** Fails unless {@code bounds} splits {@code length} values into {@code worldSize} consecutive ranges. */
    static void checkBounds(int[] bounds, int length, int worldSize) {
        if (bounds.length != worldSize + 1 || bounds[0] != 0 || bounds[worldSize] != length) {
            throw new IllegalArgumentException("bounds " + java.util.Arrays.toString(bounds) + " must run from 0 to "
                    + length + " in " + (worldSize + 1) + " entries");
        }
        for (int r = 0; r < worldSize; r++) {
            if (bounds[r] > bounds[r + 1]) {
                throw new IllegalArgumentException("bounds " + java.util.Arrays.toString(bounds) + " decrease");
            }
        }
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

        public void reduceScatterSum(float[] buffer, int[] bounds) {
            Collective.checkBounds(bounds, buffer.length, 1);
        }

        public void allGather(float[] buffer, int[] bounds) {
            Collective.checkBounds(bounds, buffer.length, 1);
        }

        public void barrier() {
        }
    };
}
