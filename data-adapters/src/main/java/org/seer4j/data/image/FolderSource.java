package org.seer4j.data.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.seer4j.core.image.Shard;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.ImageSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images from a folder tree (or a list of files), of any size and mess. The folder is walked once, on first
 * use, into a {@link FolderIndex} on disk; every epoch then reads it in the order of an {@link EpochOrder}
 * (constant memory), decoding each file when its turn comes. Files that cannot be decoded are skipped and
 * counted by {@link SkipReason}; what the walk itself could not index (symlink loops, unreadable folders) is
 * counted in the first shard's stream of every epoch.
 */
public final class FolderSource implements EncodedSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FolderSource.class);

    private final Path path;
    private final boolean list;
    private final boolean labelled;
    private final ImageDecoder decoder;
    private final Path tempDir;
    private FolderIndex index;

    private FolderSource(Builder b) {
        this.path = Objects.requireNonNull(b.path, "path");
        this.list = b.list;
        this.labelled = b.labelled;
        this.decoder = new ImageDecoder(b.maxPixels, b.maxFileBytes);
        this.tempDir = b.tempDir != null ? b.tempDir : Path.of(System.getProperty("java.io.tmpdir"));
    }

    public static Builder folder(Path root) {
        return new Builder(root, false);
    }

    /** A text file naming one image per line (relative to the list's folder). */
    public static Builder fileList(Path listFile) {
        return new Builder(listFile, true);
    }

    /** Options: labelled layout, decoding limits, where the index goes. */
    public static final class Builder {
        private final Path path;
        private final boolean list;
        private boolean labelled;
        private long maxPixels = ImageDecoder.DEFAULT_MAX_PIXELS;
        private long maxFileBytes = ImageDecoder.DEFAULT_MAX_FILE_BYTES;
        private Path tempDir;

        private Builder(Path path, boolean list) {
            this.path = path;
            this.list = list;
        }

        /** {@code class_name/...} layout: labels are class ids in name order. */
        public Builder optLabelled(boolean labelled) {
            this.labelled = labelled;
            return this;
        }

        public Builder optMaxPixels(long maxPixels) {
            this.maxPixels = maxPixels;
            return this;
        }

        public Builder optMaxFileBytes(long maxFileBytes) {
            this.maxFileBytes = maxFileBytes;
            return this;
        }

        public Builder optIndexFolder(Path tempDir) {
            this.tempDir = tempDir;
            return this;
        }

        public FolderSource build() {
            if (list && labelled) {
                throw new IllegalArgumentException("a file list has no class folders: it cannot be labelled");
            }
            return new FolderSource(this);
        }
    }

    /** The index, built on first call; the walk happens once per source, not per epoch. */
    public synchronized FolderIndex index() {
        if (index == null) {
            try {
                index = list ? FolderIndex.fromList(path, tempDir) : FolderIndex.walk(path, labelled, tempDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot index " + path + ": " + e.getMessage(), e);
            }
            LOG.info("indexed {} image files under {}{}{}", index.size(), path,
                    index.ignored() > 0 ? " (" + index.ignored() + " other files ignored)" : "",
                    index.walkSkips().isEmpty() ? "" : ", skipped " + index.walkSkips());
            if (index.size() == 0) {
                throw new IllegalStateException("no image files (" + String.join(", ",
                        FolderIndex.EXTENSIONS.stream().sorted().toList()) + ") "
                        + (list ? "listed in " : "under ") + path
                        + (index.ignored() > 0 ? "; " + index.ignored() + " other files were ignored" : "")
                        + (index.walkSkips().isEmpty() ? "" : "; skipped " + index.walkSkips()));
            }
        }
        return index;
    }

    /** Class names by label (labelled folders). */
    public List<String> classes() {
        return index().classes();
    }

    @Override
    public String describe() {
        return (list ? "file list " : labelled ? "labelled folder " : "folder ") + path;
    }

    @Override
    public PositionedStream<EncodedImage> openEncoded(long seed, long epoch, Shard shard, long startPosition) {
        FolderIndex idx = index();
        EpochOrder order = new EpochOrder(idx.size(), seed, epoch);
        Map<String, Long> initial = shard.index() == 0 && startPosition == 0 ? idx.walkSkips() : Map.of();
        return new IndexedStream<>(order, shard, startPosition, i -> load(idx, i), () -> { }, initial);
    }

    private Loaded<EncodedImage> load(FolderIndex idx, long i) {
        Path file = idx.path(i);
        int label = labelled ? idx.label(i) : SourceImage.UNLABELLED;
        Loaded<EncodedImage> r = decoder.prepare(file, file.toString(), label);
        if (!r.ok()) {
            LOG.debug("skipped {}: {} ({})", file, r.reason().key(), r.detail());
        }
        return r;
    }

    /** Deletes the index files. */
    @Override
    public synchronized void close() {
        if (index != null) {
            try {
                index.close();
            } catch (IOException e) {
                LOG.warn("could not delete the folder index: {}", e.getMessage());
            }
            index = null;
        }
    }
}
