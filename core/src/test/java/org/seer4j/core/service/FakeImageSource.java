package org.seer4j.core.service;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.seer4j.core.image.Shard;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.port.ImageStream;

/** A fixed list of images read in list order (order does not matter to evaluation). */
final class FakeImageSource implements ImageSource {
    final List<SourceImage> images;
    final String name;

    FakeImageSource(String name, List<SourceImage> images) {
        this.name = name;
        this.images = images;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public ImageStream open(long seed, long epoch, Shard shard) {
        return new ImageStream() {
            int next;

            @Override
            public boolean hasNext() {
                return next < images.size();
            }

            @Override
            public SourceImage next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return images.get(next++);
            }

            @Override
            public long position() {
                return next - 1;
            }

            @Override
            public Map<String, Long> skipped() {
                return Map.of("corrupt", 2L);
            }

            @Override
            public void close() {
            }
        };
    }
}
