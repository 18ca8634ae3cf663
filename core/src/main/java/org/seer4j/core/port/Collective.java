package org.seer4j.core.port;

/**
 * Driven port: the collective operations data-parallel SwAV needs (gradient averaging, the global sums inside
 * Sinkhorn-Knopp, synchronised BN statistics, the initial weight broadcast). One process is the identity.
 */
public interface Collective extends AutoCloseable {

    int rank();

    int worldSize();

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
