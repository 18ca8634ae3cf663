package org.seer4j.core.port;

import org.seer4j.core.image.Shard;

/** Driven port: a collection of images read epoch by epoch, in an order fixed by the seed and the epoch. */
public interface ImageSource {

    /** What the source reads, for logs and provenance. */
    String describe();

    ImageStream open(long seed, long epoch, Shard shard);

    /**
     * Like {@link #open(long, long, Shard)} but starting at {@code startPosition} of the epoch's order (resume).
     * Sources that can seek override this; the default reads and drops the images before it.
     */
    default ImageStream open(long seed, long epoch, Shard shard, long startPosition) {
        return new StreamFromPosition(open(seed, epoch, shard), startPosition);
    }

    default ImageStream open(long seed, long epoch) {
        return open(seed, epoch, Shard.ALL);
    }
}
