package org.seer4j.core.port;

/**
 * Driven port: batches of multi-crop views of an image source, epoch by epoch. The batches of an epoch depend
 * only on the seed and the epoch (not on the number of worker threads), so a run resumed from
 * {@link BatchStream#position()} sees exactly the batches it would have seen.
 */
public interface BatchSource {

    /** What the batches are made of, for logs and provenance. */
    String describe();

    /** Images per batch (every crop group tensor holds crops x batchSize rows). */
    int batchSize();

    /**
     * The batches of {@code epoch}, starting with the image at {@code startPosition} of the epoch's order
     * (0 for a fresh epoch; a saved {@link BatchStream#position()} to resume).
     */
    BatchStream open(long seed, long epoch, long startPosition);

    default BatchStream open(long seed, long epoch) {
        return open(seed, epoch, 0);
    }
}
