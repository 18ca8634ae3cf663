package org.seer4j.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.image.RgbImage;
import org.seer4j.core.image.Shard;
import org.seer4j.core.image.SourceImage;

class ImageSourceResumeTest {

    /** Ten images at positions 0..9 of which position 4 is unreadable; a shard gets positions index mod count. */
    private static final ImageSource TEN = new ImageSource() {
        @Override
        public String describe() {
            return "ten";
        }

        @Override
        public ImageStream open(long seed, long epoch, Shard shard) {
            return new ImageStream() {
                long next = shard.index();
                long last = -1;

                @Override
                public boolean hasNext() {
                    if (next == 4) {
                        next += shard.count();
                    }
                    return next < 10;
                }

                @Override
                public SourceImage next() {
                    hasNext();
                    last = next;
                    next += shard.count();
                    return new SourceImage("p" + last, new RgbImage(1, 1, new byte[3]), SourceImage.UNLABELLED);
                }

                @Override
                public long position() {
                    return last;
                }

                @Override
                public Map<String, Long> skipped() {
                    return last >= 4 ? Map.of("corrupt", 1L) : Map.of();
                }

                @Override
                public void close() {
                }
            };
        }
    };

    private static List<String> read(ImageStream s) {
        List<String> out = new ArrayList<>();
        while (s.hasNext()) {
            String id = s.next().id();
            assertThat(id).isEqualTo("p" + s.position());
            out.add(id);
        }
        return out;
    }

    @Test
    void theDefaultResumeDropsTheImagesBeforeTheStartPosition() {
        assertThat(read(TEN.open(0, 0, Shard.ALL, 3))).containsExactly("p3", "p5", "p6", "p7", "p8", "p9");
        assertThat(read(TEN.open(0, 0, new Shard(1, 2), 4))).containsExactly("p5", "p7", "p9");
        assertThat(read(TEN.open(0, 0, Shard.ALL, 10))).isEmpty();
    }
}
