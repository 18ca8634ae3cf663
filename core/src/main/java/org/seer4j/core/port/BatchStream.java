package org.seer4j.core.port;

import java.util.Iterator;
import java.util.Map;

/** One epoch's multi-crop batches in order; an incomplete last batch is dropped. */
public interface BatchStream extends Iterator<MultiCropBatch>, AutoCloseable {

    /** Files skipped so far this epoch, by reason. */
    Map<String, Long> skipped();

    /** Where to resume: the epoch position just after the last image of the last batch returned. */
    long position();

    /** Stops the workers; safe to call twice. */
    @Override
    void close();
}
