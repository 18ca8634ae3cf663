package org.seer4j.core.port;

import java.util.Iterator;
import java.util.Map;
import org.seer4j.core.image.SourceImage;

/** One epoch's images in their shuffled order; unreadable files are skipped and counted by reason. */
public interface ImageStream extends Iterator<SourceImage>, AutoCloseable {

    /** Files skipped so far this epoch, by reason (e.g. {@code corrupt}, {@code empty}, {@code too_large}). */
    Map<String, Long> skipped();

    /**
     * The position, in the epoch's order before sharding, of the image last returned by {@link #next()}.
     * Consumers that read several shards in parallel merge them by position, which keeps their output
     * independent of the number of shards.
     */
    default long position() {
        throw new UnsupportedOperationException(getClass().getName() + " does not report positions");
    }

    @Override
    void close();
}
