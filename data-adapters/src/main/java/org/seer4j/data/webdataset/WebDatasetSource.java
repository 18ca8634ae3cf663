package org.seer4j.data.webdataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.seer4j.core.image.Shard;
import org.seer4j.core.image.SourceImage;
import org.seer4j.data.image.EncodedImage;
import org.seer4j.data.image.EncodedSource;
import org.seer4j.data.image.ImageDecoder;
import org.seer4j.data.image.Loaded;
import org.seer4j.data.image.PositionedStream;
import org.seer4j.data.image.SkipReason;
import org.seer4j.data.json.Json;
import org.seer4j.data.random.Rng;

/**
 * Images from WebDataset tar shards, streamed: each epoch shuffles the list of shards (seeded by the seed and
 * the epoch), a reader (one data-parallel rank's loader thread, {@link Shard}) takes every {@code count}-th
 * shard of that list from its {@code index}, streams their samples through a shuffle buffer of
 * {@code shuffleBuffer} samples (seeded by seed, epoch and reader), and decodes the image member of each.
 *
 * <p>Positions: the reader's k-th sample (readable or not) has position {@code index + k * count}, so the
 * pipeline's in-order merge and its resume position work as for folders. Resuming replays the reader's shards
 * from their start and drops the samples before the position without decoding them, so a resumed run sees
 * exactly the samples it would have seen; it needs the same shards, seed, data-parallel size and
 * {@code data.workers}. Samples that cannot be used are skipped and counted by reason: no image member
 * ({@code not_an_image}), undecodable, or cut short by the end of the shard ({@code truncated}).
 */
public final class WebDatasetSource implements EncodedSource {
    private static final Logger LOG = LoggerFactory.getLogger(WebDatasetSource.class);
    /** Image members in the order they are looked for. */
    public static final List<String> IMAGE_EXTENSIONS = List.of("jpg", "jpeg", "png", "webp", "gif", "bmp",
            "tif", "tiff", "avif", "heic", "heif", "svg", "jxl");

    private final String spec;
    private final List<Path> shards;
    private final String labelsFrom;
    private final int shuffleBuffer;
    private final ImageDecoder decoder;
    private final Set<String> wanted;
    private long size = -1;

    /**
     * {@code spec}: brace pattern, glob, folder or file ({@link ShardPaths}); {@code labelsFrom}: {@code cls},
     * {@code json} or null; {@code shuffleBuffer}: at least 1.
     */
    public WebDatasetSource(String spec, String labelsFrom, int shuffleBuffer) throws IOException {
        if (shuffleBuffer < 1) {
            throw new IllegalArgumentException("shuffle buffer must be >= 1, got " + shuffleBuffer);
        }
        this.spec = spec;
        this.shards = ShardPaths.resolve(spec);
        this.labelsFrom = labelsFrom;
        this.shuffleBuffer = shuffleBuffer;
        this.decoder = new ImageDecoder();
        List<String> w = new ArrayList<>(IMAGE_EXTENSIONS);
        if (labelsFrom != null) {
            w.add(labelsFrom);
        }
        this.wanted = Set.copyOf(w);
    }

    public List<Path> shards() {
        return shards;
    }

    @Override
    public String describe() {
        return "webdataset " + spec + " (" + shards.size() + " shards)";
    }

    /** Samples in all shards (read from the tar headers once, without the members' bytes). */
    public synchronized long size() {
        if (size < 0) {
            long n = 0;
            for (Path p : shards) {
                try (TarSamples t = new TarSamples(p, Set.of(), Long.MAX_VALUE)) {
                    while (t.hasNext()) {
                        t.next();
                        n++;
                    }
                }
            }
            size = n;
        }
        return size;
    }

    @Override
    public PositionedStream<EncodedImage> openEncoded(long seed, long epoch, Shard shard, long startPosition) {
        List<Path> order = new ArrayList<>(shards);
        Collections.shuffle(order, new java.util.Random(Rng.of(seed, epoch, 0x7a45).nextLong()));
        List<Path> mine = new ArrayList<>();
        for (int i = shard.index(); i < order.size(); i += shard.count()) {
            mine.add(order.get(i));
        }
        if (mine.isEmpty() && shard.index() == 0) {
            LOG.warn(describe() + ": fewer shards than readers (" + shard.count() + "); some read nothing");
        }
        return new Reader(mine, Rng.of(seed, epoch, shard.index(), 0xb0ff), shard, startPosition);
    }

    /** One reader's samples: its shards in turn, through the shuffle buffer. */
    private final class Reader implements PositionedStream<EncodedImage> {
        private final List<Path> files;
        private final Rng rng;
        private final Shard shard;
        private final long start;
        private final List<Sample> buffer = new ArrayList<>();
        private final Map<String, Long> skipped = new TreeMap<>();
        private int nextFile;
        private TarSamples current;
        private long k; // samples handed out of the buffer so far (readable or not)
        private EncodedImage pending;
        private long pendingPosition = -1;
        private long position = -1;
        private boolean closed;

        Reader(List<Path> files, Rng rng, Shard shard, long start) {
            this.files = files;
            this.rng = rng;
            this.shard = shard;
            this.start = Math.max(0, start);
        }

        /** The next sample from the shards, or null when all are read. */
        private Sample fromShards() {
            while (true) {
                if (current != null && current.hasNext()) {
                    return current.next();
                }
                if (current != null) {
                    if (current.failure() != null) {
                        skipped.merge(SkipReason.CORRUPT.key(), 1L, Long::sum);
                        LOG.warn(current.failure());
                    }
                    current.close();
                    current = null;
                }
                if (nextFile >= files.size()) {
                    return null;
                }
                current = new TarSamples(files.get(nextFile++), wanted, ImageDecoder.DEFAULT_MAX_FILE_BYTES);
            }
        }

        /** The next sample out of the shuffle buffer: a random one once it is full, then the rest at the end. */
        private Sample fromBuffer() {
            while (buffer.size() < shuffleBuffer) {
                Sample s = fromShards();
                if (s == null) {
                    break;
                }
                buffer.add(s);
            }
            if (buffer.isEmpty()) {
                return null;
            }
            int j = rng.intBetween(0, buffer.size() - 1);
            Sample out = buffer.get(j);
            Sample last = buffer.remove(buffer.size() - 1);
            if (j < buffer.size()) {
                buffer.set(j, last);
            }
            return out;
        }

        @Override
        public boolean hasNext() {
            while (pending == null && !closed) {
                Sample s = fromBuffer();
                if (s == null) {
                    return false;
                }
                long p = shard.index() + k * shard.count();
                k++;
                if (p < start) {
                    continue; // before the resume position: seen by the interrupted run
                }
                Loaded<EncodedImage> l = load(s);
                if (l.ok()) {
                    pending = l.item();
                    pendingPosition = p;
                } else {
                    skipped.merge(l.reason().key(), 1L, Long::sum);
                    LOG.debug("skipped {}:{}: {} ({})", s.shard(), s.key(), l.reason().key(), l.detail());
                }
            }
            return pending != null;
        }

        @Override
        public EncodedImage next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            EncodedImage out = pending;
            pending = null;
            position = pendingPosition;
            return out;
        }

        @Override
        public Map<String, Long> skipped() {
            return Map.copyOf(skipped);
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public void close() {
            closed = true;
            buffer.clear();
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }

    private Loaded<EncodedImage> load(Sample s) {
        String id = s.shard() + ":" + s.key();
        if (s.truncated()) {
            return Loaded.skipped(SkipReason.TRUNCATED, "the shard ends inside this sample");
        }
        byte[] image = null;
        String ext = null;
        for (String e : IMAGE_EXTENSIONS) {
            if (s.members().containsKey(e)) {
                image = s.members().get(e);
                ext = e;
                break;
            }
        }
        if (ext == null) {
            return Loaded.skipped(SkipReason.NOT_AN_IMAGE, "no image member (" + String.join(", ",
                    s.members().keySet()) + ")");
        }
        if (image == null) {
            return Loaded.skipped(SkipReason.TOO_LARGE, "." + ext + " member over "
                    + ImageDecoder.DEFAULT_MAX_FILE_BYTES + " bytes");
        }
        int label = SourceImage.UNLABELLED;
        if (labelsFrom != null) {
            byte[] l = s.members().get(labelsFrom);
            label = l == null ? SourceImage.UNLABELLED : label(l);
        }
        return decoder.prepare(image, id, label);
    }

    /** A {@code .cls} member's integer, or a {@code .json} member's {@code label} field; -1 when neither. */
    private int label(byte[] member) {
        String text = new String(member, StandardCharsets.UTF_8).trim();
        try {
            if ("cls".equals(labelsFrom)) {
                return Integer.parseInt(text);
            }
            Object v = Json.parse(text) instanceof Map<?, ?> m ? m.get("label") : null;
            return v instanceof Number n ? n.intValue() : SourceImage.UNLABELLED;
        } catch (RuntimeException e) {
            return SourceImage.UNLABELLED;
        }
    }
}
