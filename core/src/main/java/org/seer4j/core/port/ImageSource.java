package org.seer4j.core.port;

import org.seer4j.core.image.Shard;

/** Driven port: a collection of images read epoch by epoch, in an order fixed by the seed and the epoch. */
public interface ImageSource {

    /** What the source reads, for logs and provenance. */
    String describe();

    ImageStream open(long seed, long epoch, Shard shard);

    default ImageStream open(long seed, long epoch) {
        return open(seed, epoch, Shard.ALL);
    }
}
