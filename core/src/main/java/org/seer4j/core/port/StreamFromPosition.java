package org.seer4j.core.port;

import java.util.Map;
import java.util.NoSuchElementException;
import org.seer4j.core.image.SourceImage;

/** The default resume of {@link ImageSource}: reads and drops the images before a position. */
final class StreamFromPosition implements ImageStream {
    private final ImageStream in;
    private final long start;
    private SourceImage pending;
    private long pendingPosition = -1;
    private long position = -1;
    private boolean started;

    StreamFromPosition(ImageStream in, long start) {
        this.in = in;
        this.start = start;
    }

    private void advance() {
        pending = null;
        while (in.hasNext()) {
            SourceImage i = in.next();
            if (in.position() >= start) {
                pending = i;
                pendingPosition = in.position();
                return;
            }
        }
    }

    @Override
    public boolean hasNext() {
        if (!started) {
            started = true;
            advance();
        }
        return pending != null;
    }

    @Override
    public SourceImage next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        SourceImage out = pending;
        position = pendingPosition;
        advance();
        return out;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public Map<String, Long> skipped() {
        return in.skipped();
    }

    @Override
    public void close() {
        in.close();
    }
}
