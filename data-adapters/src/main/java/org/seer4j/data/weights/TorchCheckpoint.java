package org.seer4j.data.weights;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.PickleException;
import org.seer4j.data.safetensors.HalfFloats;

/**
 * A file written by {@code torch.save}: the unpickled object tree (maps, lists, numbers, strings and
 * {@link TorchTensor} references) plus access to the storages' bytes, which are read only when asked for, in
 * bounded chunks at 64-bit offsets. Two layouts exist:
 * <ul>
 *   <li>zip (PyTorch >= 1.6): {@code <name>/data.pkl} holds the pickle, {@code <name>/data/<key>} each storage's raw
 *       little-endian bytes, stored uncompressed;</li>
 *   <li>legacy: four pickles in a row (magic number, protocol version, system info, the object), a pickled list of
 *       storage keys, then per key an int64 element count followed by the storage's bytes.</li>
 * </ul>
 * Globals in the pickle are limited to an allow-list ({@link SafeUnpickler}).
 */
public final class TorchCheckpoint implements AutoCloseable {
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final int ZIP_MAGIC = 0x04034b50;
    /** LONG1, 10 bytes, then 0x1950a86a20f9469cfc6c little-endian: how a legacy file's first pickle starts. */
    private static final byte[] LEGACY_PREFIX = {(byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9,
        0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    private final Path file;
    private final String format;
    private final Object root;
    private final StorageBytes bytes;

    private TorchCheckpoint(Path file, String format, Object root, StorageBytes bytes) {
        this.file = file;
        this.format = format;
        this.root = root;
        this.bytes = bytes;
    }

    /** Reads where a storage's bytes lie; implementations for the zip and the legacy layout. */
    private interface StorageBytes extends AutoCloseable {
        /** A stream positioned {@code byteOffset} bytes into the storage {@code key}. */
        InputStream open(String key, long byteOffset) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Whether a file starts like a {@code torch.save} file: a zip archive, or a pickle of PyTorch's magic number. */
    public static boolean looksLike(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return kind(in.readNBytes(LEGACY_PREFIX.length + 2)) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** "zip", "legacy" or null from a file's first bytes. */
    private static String kind(byte[] head) {
        if (head.length >= 4 && ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == ZIP_MAGIC) return "zip";
        // PROTO n, then LONG1 of the 10-byte magic number (protocol 2 and later)
        if (head.length < LEGACY_PREFIX.length + 2 || (head[0] & 0xff) != 0x80) return null;
        for (int i = 0; i < LEGACY_PREFIX.length; i++) if (head[i + 2] != LEGACY_PREFIX[i]) return null;
        return "legacy";
    }

    public static TorchCheckpoint open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new CheckpointFormatException(file, "no such file");
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(LEGACY_PREFIX.length + 2);
        }
        String kind = kind(head);
        if ("zip".equals(kind)) return openZip(file);
        if ("legacy".equals(kind)) return openLegacy(file);
        throw new CheckpointFormatException(file, "neither a zip archive nor a PyTorch pickle: not a torch.save file");
    }

    public Path file() {
        return file;
    }

    /** {@code pytorch-zip} or {@code pytorch-legacy}. */
    public String format() {
        return format;
    }

    /** The unpickled object: maps, lists, numbers, strings, byte arrays and {@link TorchTensor}s. */
    public Object root() {
        return root;
    }

    /**
     * Reads a floating-point tensor's elements as floats into {@code out}, {@code count} elements starting at
     * element {@code first} of its row-major order; only contiguous tensors may be read in parts.
     */
    public void read(TorchTensor t, long first, float[] out, int count) throws IOException {
        TorchDtype dtype = t.storage().dtype();
        if (!dtype.floating()) throw new CheckpointFormatException(file, "tensor of " + dtype + " is not floating point");
        if (t.end() > t.storage().elements()) {
            throw new CheckpointFormatException(file, "a tensor " + t + " reaches element " + t.end()
                    + " of storage '" + t.storage().key() + "', which holds " + t.storage().elements());
        }
        if (t.contiguous()) {
            long start = t.storage().viewOffset() + t.offset() + first;
            try (InputStream in = bytes.open(t.storage().key(), start * dtype.bytes())) {
                convert(in, dtype, out, count, t.storage().key());
            }
            return;
        }
        if (first != 0 || count != t.elements()) {
            throw new CheckpointFormatException(file, "a non-contiguous tensor " + t + " cannot be read in parts");
        }
        gather(t, out);
    }

    /** A strided tensor: read the storage span it covers, then pick its elements in row-major order. */
    private void gather(TorchTensor t, float[] out) throws IOException {
        long start = t.storage().viewOffset() + t.offset();
        long span = t.end() - start;
        if (span > Integer.MAX_VALUE - 8) throw new CheckpointFormatException(file, "strided tensor " + t + " too large");
        float[] window = new float[(int) span];
        try (InputStream in = bytes.open(t.storage().key(), start * t.storage().dtype().bytes())) {
            convert(in, t.storage().dtype(), window, window.length, t.storage().key());
        }
        int[] shape = t.shape();
        long[] stride = t.stride();
        int[] index = new int[shape.length];
        for (int n = 0; n < out.length && n < t.elements(); n++) {
            long at = 0;
            for (int a = 0; a < shape.length; a++) at += index[a] * stride[a];
            out[n] = window[(int) at];
            for (int a = shape.length - 1; a >= 0; a--) {
                if (++index[a] < shape[a]) break;
                index[a] = 0;
            }
        }
    }

    private void convert(InputStream in, TorchDtype dtype, float[] out, int count, String key) throws IOException {
        int size = dtype.bytes();
        byte[] chunk = new byte[Math.min(1 << 20, Math.max(size, count * size))];
        ByteBuffer b = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < count) {
            int want = Math.min(chunk.length / size, count - done) * size;
            int got = in.readNBytes(chunk, 0, want);
            if (got < want) {
                throw new CheckpointFormatException(file, "storage '" + key + "' ends early (truncated file?)");
            }
            for (int i = 0; i < want; i += size) {
                out[done++] = switch (dtype) {
                    case FLOAT32 -> b.getFloat(i);
                    case FLOAT16 -> HalfFloats.f16ToFloat(b.getShort(i));
                    case BFLOAT16 -> HalfFloats.bf16ToFloat(b.getShort(i));
                    case FLOAT64 -> (float) b.getDouble(i);
                    default -> throw new IllegalStateException(dtype.name());
                };
            }
        }
    }

    @Override
    public void close() throws IOException {
        bytes.close();
    }

    // ---- zip layout ----

    private static TorchCheckpoint openZip(Path file) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new CheckpointFormatException(file, "not a readable zip archive (truncated file?): " + e.getMessage());
        }
        try {
            String prefix = null;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                String name = en.nextElement().getName();
                if (name.endsWith("data.pkl") && (name.equals("data.pkl") || name.endsWith("/data.pkl"))
                        && (prefix == null || name.length() < prefix.length() + 8)) {
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                }
            }
            if (prefix == null) throw new CheckpointFormatException(file, "zip archive without data.pkl: not a torch.save file");
            String dataPrefix = prefix + "data/";
            ZipFile z = zip;
            Object root;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(zip.getEntry(prefix + "data.pkl")))) {
                root = unpickle(file, in, pid -> zipStorage(file, z, dataPrefix, pid));
            }
            StorageBytes bytes = new StorageBytes() {
                @Override
                public InputStream open(String key, long byteOffset) throws IOException {
                    ZipEntry e = z.getEntry(dataPrefix + key);
                    if (e == null) throw new CheckpointFormatException(file, "storage '" + key + "' is missing from the archive");
                    InputStream in = z.getInputStream(e);
                    in.skipNBytes(byteOffset);
                    return in;
                }

                @Override
                public void close() throws IOException {
                    z.close();
                }
            };
            return new TorchCheckpoint(file, "pytorch-zip", root, bytes);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static TorchStorage zipStorage(Path file, ZipFile zip, String dataPrefix, Object[] pid) {
        TorchStorage s = storage(file, pid);
        ZipEntry e = zip.getEntry(dataPrefix + s.key());
        if (e == null) throw new Problem("storage '" + s.key() + "' is missing from the archive");
        long need = s.elements() * s.dtype().bytes();
        if (e.getSize() >= 0 && e.getSize() < need) {
            throw new Problem("storage '" + s.key() + "' holds " + e.getSize() + " bytes, " + need + " expected");
        }
        return s;
    }

    // ---- legacy layout ----

    private static TorchCheckpoint openLegacy(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            CountingStream in = new CountingStream(new BufferedInputStream(Channels.newInputStream(ch.position(0))));
            Object magic = unpickle(file, in, pid -> {
                throw new Problem("unexpected storage before the magic number");
            });
            if (!(magic instanceof Number n) || !new BigInteger(n.toString()).equals(LEGACY_MAGIC)) {
                throw new CheckpointFormatException(file, "a pickle, but not a torch.save file (no PyTorch magic number)");
            }
            unpickle(file, in, pid -> null); // protocol version
            Object sysInfo = unpickle(file, in, pid -> null);
            if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
                throw new CheckpointFormatException(file, "written on a big-endian machine, which is not supported");
            }
            Map<String, TorchStorage> storages = new HashMap<>();
            Object root = unpickle(file, in, pid -> legacyStorage(file, storages, pid));
            Object keys = unpickle(file, in, pid -> null);
            if (!(keys instanceof List<?> keyList)) throw new CheckpointFormatException(file, "no storage key list after the pickle");
            long position = in.count();
            long size = ch.size();
            Map<String, Long> starts = new HashMap<>();
            ByteBuffer count = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (Object k : keyList) {
                String key = String.valueOf(k);
                TorchStorage s = storages.get(key);
                if (s == null) throw new CheckpointFormatException(file, "storage key '" + key + "' used by no tensor");
                count.clear();
                if (position + 8 > size || ch.read(count, position) < 8) {
                    throw new CheckpointFormatException(file, "storage '" + key + "' is missing (truncated file?)");
                }
                long elements = count.getLong(0);
                if (elements != s.elements()) {
                    throw new CheckpointFormatException(file, "storage '" + key + "' holds " + elements
                            + " elements, its tensors say " + s.elements());
                }
                starts.put(key, position + 8);
                position += 8 + elements * s.dtype().bytes();
                if (position > size) throw new CheckpointFormatException(file, "storage '" + key + "' ends past the end of the file (truncated file?)");
            }
            for (String key : storages.keySet()) {
                if (!starts.containsKey(key)) throw new CheckpointFormatException(file, "storage '" + key + "' is missing");
            }
            StorageBytes bytes = new StorageBytes() {
                @Override
                public InputStream open(String key, long byteOffset) {
                    return new BufferedInputStream(new PositionalStream(ch, starts.get(key) + byteOffset), 1 << 16);
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
            return new TorchCheckpoint(file, "pytorch-legacy", root, bytes);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Legacy ids: {@code ('storage', type, root_key, location, numel, view_metadata)}. */
    private static TorchStorage legacyStorage(Path file, Map<String, TorchStorage> storages, Object[] pid) {
        TorchStorage root = storage(file, pid);
        TorchStorage known = storages.putIfAbsent(root.key(), root);
        if (known != null) root = known;
        if (pid.length > 5 && pid[5] instanceof Object[] view && view.length >= 3) {
            long offset = ((Number) view[1]).longValue();
            return new TorchStorage(root.key(), root.dtype(), root.elements(), offset);
        }
        return root;
    }

    /** The common part of both layouts' ids: {@code ('storage', type, key, location, numel, ...)}. */
    private static TorchStorage storage(Path file, Object[] pid) {
        if (pid.length < 5 || !"storage".equals(pid[0])) throw new Problem("unknown persistent id");
        if (!(pid[1] instanceof SafeUnpickler.StorageClass type)) throw new Problem("a storage without a storage type");
        long elements = ((Number) pid[4]).longValue();
        if (elements < 0) throw new Problem("storage of " + elements + " elements");
        return new TorchStorage(String.valueOf(pid[2]), type.dtype(), elements, 0);
    }

    /** A format problem found inside the unpickler's callbacks; reported with the file's name. */
    private static final class Problem extends RuntimeException {
        Problem(String message) {
            super(message);
        }
    }

    private static Object unpickle(Path file, InputStream in, java.util.function.Function<Object[], Object> storages)
            throws IOException {
        SafeUnpickler u = new SafeUnpickler(storages);
        try {
            return u.load(in);
        } catch (SafeUnpickler.RefusedException e) {
            throw new CheckpointFormatException(file, e.getMessage());
        } catch (Problem e) {
            throw new CheckpointFormatException(file, e.getMessage());
        } catch (EOFException e) {
            throw new CheckpointFormatException(file, "the pickle ends early (truncated file?)");
        } catch (PickleException | ClassCastException | IndexOutOfBoundsException e) {
            Throwable cause = e.getCause() instanceof Problem p ? p : e;
            throw new CheckpointFormatException(file, "unreadable pickle: " + cause.getMessage());
        }
    }

    /** Counts the bytes the unpickler consumed, so the legacy layout's storages can be located after it. */
    private static final class CountingStream extends FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }

    /** Reads a file channel from a 64-bit position on, without moving the channel's own position. */
    private static final class PositionalStream extends InputStream {
        private final FileChannel ch;
        private long position;

        PositionalStream(FileChannel ch, long position) {
            this.ch = ch;
            this.position = position;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = ch.read(ByteBuffer.wrap(b, off, len), position);
            if (n > 0) position += n;
            return n;
        }
    }
}
