package org.seer4j.data.image;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The image files of a folder (or a file list), found in one streamed walk and kept in two temporary files, so
 * a folder of ten million images costs disk, not heap: {@code paths} holds the UTF-8 paths relative to the
 * root back to back, {@code records} holds per file its path offset (8 bytes), path length (4) and class id
 * (4). Item {@code i} is read back with two positional reads.
 *
 * <p>Order: each directory's entries are sorted by name, so the index (and hence every epoch's order) is the same
 * on every machine; a directory with more than {@link #SORT_LIMIT} entries is taken in the file system's listing
 * order instead, to keep memory bounded. Hidden entries (names starting with '.') are ignored, and so are files
 * without an image extension. Directory links are followed; a link back to an ancestor is a loop, counted and
 * not followed; a folder reached twice through links is walked once.
 */
public final class FolderIndex implements Closeable {
    public static final int SORT_LIMIT = 1_000_000;
    /** Image files; AVIF, HEIC, SVG and JPEG XL are indexed too so that they are counted as unsupported. */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "jpe", "jfif", "png", "gif", "bmp", "webp",
            "tif", "tiff", "avif", "heic", "heif", "svg", "jxl");
    private static final int RECORD = 16;

    private final Path root;
    private final Path pathsFile;
    private final Path recordsFile;
    // RandomAccessFile, not FileChannel: an interrupted reader thread would close a FileChannel for everyone
    private final RandomAccessFile paths;
    private final RandomAccessFile records;
    private final long size;
    private final List<String> classes;
    private final Map<String, Long> walkSkips;
    private final long ignored;

    private FolderIndex(Path root, Path pathsFile, Path recordsFile, long size, List<String> classes,
                        Map<String, Long> walkSkips, long ignored) throws IOException {
        this.root = root;
        this.pathsFile = pathsFile;
        this.recordsFile = recordsFile;
        this.paths = new RandomAccessFile(pathsFile.toFile(), "r");
        this.records = new RandomAccessFile(recordsFile.toFile(), "r");
        this.size = size;
        this.classes = List.copyOf(classes);
        this.walkSkips = Map.copyOf(walkSkips);
        this.ignored = ignored;
    }

    /** Files under {@code root}; with {@code labelled}, class = first folder below the root (sorted by name). */
    public static FolderIndex walk(Path root, boolean labelled, Path tempDir) throws IOException {
        return walk(root, labelled, tempDir, SORT_LIMIT);
    }

    static FolderIndex walk(Path root, boolean labelled, Path tempDir, int sortLimit) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + " is not a folder" + (Files.exists(root) ? "" : " (it does not exist)"));
        }
        Path realRoot = root.toRealPath();
        Writer w = new Writer(realRoot, tempDir);
        try {
            Walker walker = new Walker(w, labelled, sortLimit);
            walker.walkRoot(realRoot);
            return w.finish(walker.classes);
        } catch (IOException | RuntimeException e) {
            w.abandon();
            throw e;
        }
    }

    /**
     * Files named in a list, one path per line (relative paths against the list's folder; blank lines and
     * lines starting with '#' ignored); unlabelled. Read line by line.
     */
    public static FolderIndex fromList(Path list, Path tempDir) throws IOException {
        Path base = list.toAbsolutePath().getParent();
        Writer w = new Writer(base, tempDir);
        try (BufferedReader in = Files.newBufferedReader(list, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    w.add(base.resolve(t).normalize(), 0);
                }
            }
            return w.finish(List.of());
        } catch (IOException | RuntimeException e) {
            w.abandon();
            throw e;
        }
    }

    public long size() {
        return size;
    }

    public Path root() {
        return root;
    }

    /** Class names by id (labelled folders), else empty. */
    public List<String> classes() {
        return classes;
    }

    /** What the walk could not index (symlink loops, unreadable folders), by reason. */
    public Map<String, Long> walkSkips() {
        return walkSkips;
    }

    /** Files passed over for not having an image extension. */
    public long ignored() {
        return ignored;
    }

    /** The path of item {@code i}. Safe from several threads. */
    public Path path(long i) {
        ByteBuffer rec = record(i);
        long offset = rec.getLong(0);
        int length = rec.getInt(8);
        byte[] b = new byte[length];
        readFully(paths, b, offset);
        return root.resolve(new String(b, StandardCharsets.UTF_8));
    }

    /** The class id of item {@code i} (0 when unlabelled). */
    public int label(long i) {
        return record(i).getInt(12);
    }

    private ByteBuffer record(long i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("item " + i + " of " + size);
        }
        byte[] rec = new byte[RECORD];
        readFully(records, rec, i * RECORD);
        return ByteBuffer.wrap(rec);
    }

    /** Seek and read under the file's lock: safe from several threads. */
    private static void readFully(RandomAccessFile f, byte[] b, long at) {
        try {
            synchronized (f) {
                f.seek(at);
                f.readFully(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the folder index failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            paths.close();
            records.close();
        } finally {
            Files.deleteIfExists(pathsFile);
            Files.deleteIfExists(recordsFile);
        }
    }

    /** Appends entries to the two temporary files. */
    private static final class Writer {
        final Path root;
        final Path pathsFile;
        final Path recordsFile;
        final OutputStream pathsOut;
        final DataOutputStream recordsOut;
        final Map<String, Long> skips = new TreeMap<>();
        long offset;
        long count;
        long ignored;

        Writer(Path root, Path tempDir) throws IOException {
            this.root = root;
            Files.createDirectories(tempDir);
            this.pathsFile = Files.createTempFile(tempDir, "seer4j-index-", ".paths");
            this.recordsFile = Files.createTempFile(tempDir, "seer4j-index-", ".records");
            pathsFile.toFile().deleteOnExit();
            recordsFile.toFile().deleteOnExit();
            this.pathsOut = new BufferedOutputStream(Files.newOutputStream(pathsFile), 1 << 16);
            this.recordsOut = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(recordsFile), 1 << 16));
        }

        void add(Path file, int label) throws IOException {
            byte[] rel = root.relativize(file).toString().getBytes(StandardCharsets.UTF_8);
            pathsOut.write(rel);
            recordsOut.writeLong(offset);
            recordsOut.writeInt(rel.length);
            recordsOut.writeInt(label);
            offset += rel.length;
            count++;
        }

        void skip(SkipReason reason) {
            skips.merge(reason.key(), 1L, Long::sum);
        }

        FolderIndex finish(List<String> classes) throws IOException {
            pathsOut.close();
            recordsOut.close();
            return new FolderIndex(root, pathsFile, recordsFile, count, classes, skips, ignored);
        }

        void abandon() throws IOException {
            pathsOut.close();
            recordsOut.close();
            Files.deleteIfExists(pathsFile);
            Files.deleteIfExists(recordsFile);
        }
    }

    /** Depth-first walk, each directory's entries in name order. */
    private static final class Walker {
        final Writer w;
        final boolean labelled;
        final List<String> classes = new ArrayList<>();
        final Set<Object> visited = new HashSet<>();
        final Set<Object> ancestors = new HashSet<>();

        final int sortLimit;

        Walker(Writer w, boolean labelled, int sortLimit) {
            this.w = w;
            this.labelled = labelled;
            this.sortLimit = sortLimit;
        }

        void walkRoot(Path realRoot) throws IOException {
            BasicFileAttributes a = Files.readAttributes(realRoot, BasicFileAttributes.class);
            Object key = key(realRoot, a);
            visited.add(key);
            ancestors.add(key);
            walkDir(realRoot, 0, -1, true);
        }

        /**
         * Visits a directory's entries sorted by name; past the sort limit it stops buffering and
         * visits them in listing order while the listing streams on.
         */
        private void walkDir(Path dir, int depth, int label, boolean isRoot) throws IOException {
            List<Path> buffered = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                java.util.Iterator<Path> it = ds.iterator();
                while (it.hasNext() && buffered.size() < sortLimit) {
                    buffered.add(it.next());
                }
                if (it.hasNext()) {
                    for (Path p : buffered) {
                        visit(p, depth, label);
                    }
                    buffered.clear();
                    while (it.hasNext()) {
                        visit(it.next(), depth, label);
                    }
                    return;
                }
            } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                if (isRoot) {
                    throw new IOException("cannot list " + dir + ": " + e.getMessage(), e);
                }
                w.skip(SkipReason.UNREADABLE);
                return;
            }
            buffered.sort((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString()));
            for (Path p : buffered) {
                visit(p, depth, label);
            }
        }

        private void visit(Path p, int depth, int label) throws IOException {
            String name = p.getFileName().toString();
            if (name.startsWith(".")) {
                return;
            }
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class);
            } catch (FileSystemException e) {
                if (ImageDecoder.isLinkLoop(e)) {
                    w.skip(SkipReason.SYMLINK_LOOP);
                } else if (Files.isSymbolicLink(p)) {
                    w.skip(SkipReason.UNREADABLE); // dangling link
                } else {
                    w.skip(SkipReason.UNREADABLE);
                }
                return;
            }
            if (a.isDirectory()) {
                Object key = key(p, a);
                if (ancestors.contains(key)) {
                    w.skip(SkipReason.SYMLINK_LOOP);
                    return;
                }
                if (!visited.add(key)) {
                    return; // reached before through another link
                }
                int childLabel = label;
                if (labelled && depth == 0) {
                    childLabel = classes.size();
                    classes.add(name);
                }
                ancestors.add(key);
                try {
                    walkDir(p, depth + 1, childLabel, false);
                } finally {
                    ancestors.remove(key);
                }
                return;
            }
            if (!a.isRegularFile()) {
                return; // devices, sockets
            }
            if (!hasImageExtension(name)) {
                w.ignored++;
                return;
            }
            if (labelled && label < 0) {
                w.ignored++; // files beside the class folders have no class
                return;
            }
            w.add(p, Math.max(label, 0));
        }

        private static Object key(Path p, BasicFileAttributes a) throws IOException {
            Object k = a.fileKey();
            return k != null ? k : p.toRealPath();
        }

    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static boolean hasImageExtension(String name) {
        return EXTENSIONS.contains(extension(name));
    }

}
