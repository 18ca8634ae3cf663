package org.seer4j.core.port;

import java.util.Iterator;
import java.util.Map;
import org.seer4j.core.image.SourceImage;

/** One epoch's images in their shuffled order; unreadable files are skipped and counted by reason. */
public interface ImageStream extends Iterator<SourceImage>, AutoCloseable {

    /** Files skipped so far this epoch, by reason (e.g. {@code corrupt}, {@code empty}, {@code too_large}). */
    Map<String, Long> skipped();

    @Override
    void close();
}
