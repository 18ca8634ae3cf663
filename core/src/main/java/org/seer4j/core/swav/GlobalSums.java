package org.seer4j.core.swav;

/**
 * The reductions Sinkhorn-Knopp needs over every sample of the step. One process reduces nothing; data-parallel
 * workers reduce over all workers, so that each sees the sums of the whole global batch.
 */
interface GlobalSums {

    /** The maximum of {@code localMax} over all workers. */
    double max(double localMax);

    /** Replaces {@code buffer} by its element-wise sum over all workers. */
    void sum(double[] buffer);

    /** The number of rows over all workers. */
    long rows(long localRows);

    GlobalSums LOCAL = new GlobalSums() {
        public double max(double localMax) {
            return localMax;
        }

        public void sum(double[] buffer) {
        }

        public long rows(long localRows) {
            return localRows;
        }
    };
}
