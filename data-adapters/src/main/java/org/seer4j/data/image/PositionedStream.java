package org.seer4j.data.image;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.ImageStream;

/**
 * One epoch's items of a shard in position order, with the skip counts so far: what {@link ImageStream} is for
 * decoded images, for any item type (the pipeline reads {@link EncodedImage}s, decoding each at the size its
 * crops need).
 */
public interface PositionedStream<T> extends Iterator<T>, AutoCloseable {

    /** Items skipped so far by reason. */
    Map<String, Long> skipped();

    /** The epoch position of the item last returned. */
    long position();

    @Override
    void close();

    /** Decoded images as an {@link ImageStream}. */
    static ImageStream images(PositionedStream<SourceImage> s) {
        return new ImageStream() {
            @Override
            public boolean hasNext() {
                return s.hasNext();
            }

            @Override
            public SourceImage next() {
                return s.next();
            }

            @Override
            public Map<String, Long> skipped() {
                return s.skipped();
            }

            @Override
            public long position() {
                return s.position();
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    /** Encoded images decoded at full size; what fails to decode is skipped and counted. */
    static ImageStream decoded(PositionedStream<EncodedImage> s) {
        return new ImageStream() {
            private final Map<String, Long> failed = new java.util.TreeMap<>();
            private SourceImage pending;
            private long pendingPosition = -1;
            private long position = -1;

            @Override
            public boolean hasNext() {
                while (pending == null && s.hasNext()) {
                    EncodedImage e = s.next();
                    ImageDecoder.Result r = e.decode(1);
                    if (r.ok()) {
                        pending = new SourceImage(e.id(), r.image(), e.label());
                        pendingPosition = s.position();
                    } else {
                        failed.merge(r.reason().key(), 1L, Long::sum);
                    }
                }
                return pending != null;
            }

            @Override
            public SourceImage next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                SourceImage out = pending;
                pending = null;
                position = pendingPosition;
                return out;
            }

            @Override
            public Map<String, Long> skipped() {
                Map<String, Long> all = new java.util.TreeMap<>(s.skipped());
                failed.forEach((k, v) -> all.merge(k, v, Long::sum));
                return all;
            }

            @Override
            public long position() {
                return position;
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    /** Decoded images of any source as already-decoded {@link EncodedImage}s. */
    static PositionedStream<EncodedImage> encoded(ImageStream s) {
        return new PositionedStream<>() {
            @Override
            public boolean hasNext() {
                return s.hasNext();
            }

            @Override
            public EncodedImage next() {
                return EncodedImage.decoded(s.next());
            }

            @Override
            public Map<String, Long> skipped() {
                return s.skipped();
            }

            @Override
            public long position() {
                return s.position();
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }
}
