package org.seer4j.data.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.port.TensorFile;
import org.seer4j.core.tensor.TensorChunks;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;
import org.seer4j.data.io.AtomicFiles;
import org.seer4j.data.io.ChunkedChannels;
import org.seer4j.data.json.Json;

/**
 * The safetensors format (an 8-byte little-endian header length, a JSON header, then raw little-endian tensor
 * bytes), read and written in bounded chunks with 64-bit offsets, so files of any size (beyond 2 GiB, beyond
 * the Java heap) move through {@link #chunkValues} values of memory at a time; writes are atomic.
 *
 * <p>Reading converts F32, F16, BF16 and F64 to float. Integer tensors named {@code *.num_batches_tracked}
 * (batch-norm step counters in torchvision state dicts, which no engine needs) are skipped; any other integer,
 * boolean or 8-bit float tensor is an error naming it. Tensors come back in file order (by data offset). The
 * reader checks everything the header claims against the file: header length, dtype names, shapes, that each
 * tensor's byte range lies inside the data section, matches shape times dtype size and overlaps no other
 * tensor. Gaps between tensors are tolerated. {@link #open} checks the header at once and reads values when
 * asked; each read opens the file anew, so a reader holds no file handle and needs no closing.
 *
 * <p>Writing stores tensors contiguously in the map's order, in {@link #writeDtype} (F32 by default), and pads
 * the header with spaces to a multiple of 8 bytes as the reference writer does.
 */
public final class SafetensorsFile implements TensorFile {
    /** The reference implementation's limit; a larger header is taken for a corrupt length field. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final String METADATA = "__metadata__";
    private static final String SKIPPED_SUFFIX = "num_batches_tracked";

    private final Dtype writeDtype;
    private final int chunkValues;

    public SafetensorsFile() {
        this(Dtype.F32);
    }

    public SafetensorsFile(Dtype writeDtype) {
        this(writeDtype, TensorChunks.DEFAULT_CHUNK);
    }

    /** {@code chunkValues}: the most values read or written at once (tests use tiny chunks to exercise seams). */
    public SafetensorsFile(Dtype writeDtype, int chunkValues) {
        if (writeDtype != Dtype.F32 && writeDtype != Dtype.F16 && writeDtype != Dtype.BF16) {
            throw new IllegalArgumentException("can write F32, F16 or BF16, not " + writeDtype);
        }
        if (chunkValues < 1) throw new IllegalArgumentException("chunks need at least one value, got " + chunkValues);
        this.writeDtype = writeDtype;
        this.chunkValues = chunkValues;
    }

    public Dtype writeDtype() {
        return writeDtype;
    }

    /** A parsed header: tensor entries in file order and the string metadata. */
    public record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {
    }

    /** One tensor's header entry; offsets are relative to the start of the data section. */
    public record Entry(String name, Dtype dtype, int[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        public TensorInfo info() {
            return TensorInfo.of(name, shape);
        }
    }

    @Override
    public TensorReader open(Path file) throws IOException {
        Header header = header(file);
        Map<String, Entry> readable = new LinkedHashMap<>();
        for (Entry e : header.entries()) {
            if (!e.dtype().readable()) {
                if (e.dtype().integral() && e.name().endsWith(SKIPPED_SUFFIX)) {
                    continue;
                }
                throw new SafetensorsException(file, "tensor '" + e.name() + "' has dtype " + e.dtype()
                        + ", which cannot be read as float (F32, F16, BF16 or F64 are)");
            }
            readable.put(e.name(), e);
        }
        return new FileTensors(file, header.dataStart(), readable, chunkValues);
    }

    /** The {@code __metadata__} strings of a file, without reading its tensors. */
    public Map<String, String> metadata(Path file) throws IOException {
        return header(file).metadata();
    }

    /** The validated header of a file, without reading its tensors. */
    public Header header(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return header(file, ch);
        }
    }

    private static Header header(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new SafetensorsException(file, "only " + size + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ChunkedChannels.readFully(ch, lenBuf, 0, file);
        long n = lenBuf.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafetensorsException(file, "header length " + Long.toUnsignedString(n)
                    + " is beyond the " + MAX_HEADER_BYTES + "-byte limit (corrupt length field?)");
        }
        if (n > size - 8) {
            throw new SafetensorsException(file, "header length " + n + " is longer than the " + (size - 8)
                    + " bytes after the length field (truncated file?)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        ChunkedChannels.readFully(ch, hb, 8, file);
        hb.flip();
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file, "header is not UTF-8 text");
        }
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (Json.JsonException e) {
            throw new SafetensorsException(file, "header is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new SafetensorsException(file, "header is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataLength = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> kv : root.entrySet()) {
            String name = (String) kv.getKey();
            if (METADATA.equals(name)) {
                if (!(kv.getValue() instanceof Map<?, ?> meta)) {
                    throw new SafetensorsException(file, "__metadata__ is not an object");
                }
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String s)) {
                        throw new SafetensorsException(file, "__metadata__ value of '" + m.getKey()
                                + "' is not a string");
                    }
                    metadata.put((String) m.getKey(), s);
                }
                continue;
            }
            entries.add(entry(file, name, kv.getValue(), dataLength));
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry previous = null;
        for (Entry e : entries) {
            // zero-size tensors occupy no bytes and cannot overlap anything
            if (e.begin() == e.end()) {
                continue;
            }
            if (previous != null && e.begin() < previous.end()) {
                throw new SafetensorsException(file, "tensors '" + previous.name() + "' [" + previous.begin()
                        + ", " + previous.end() + ") and '" + e.name() + "' [" + e.begin() + ", " + e.end()
                        + ") overlap");
            }
            previous = e;
        }
        return new Header(List.copyOf(entries), Map.copyOf(metadata), dataStart);
    }

    private static Entry entry(Path file, String name, Object value, long dataLength) throws SafetensorsException {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> info)) {
            throw new SafetensorsException(file, where + " is not described by an object");
        }
        if (!(info.get("dtype") instanceof String dtypeName)) {
            throw new SafetensorsException(file, where + " has no dtype string");
        }
        Dtype dtype = Dtype.named(dtypeName).orElseThrow(() -> new SafetensorsException(file,
                where + " has unknown dtype '" + dtypeName + "'"));
        if (!(info.get("shape") instanceof List<?> shapeList)) {
            throw new SafetensorsException(file, where + " has no shape array");
        }
        int[] shape = new int[shapeList.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new SafetensorsException(file, where + " has a bad dimension " + shapeList.get(i)
                        + " in shape " + shapeList);
            }
            shape[i] = d.intValue();
            elements = multiplyOrFail(file, where, elements, d);
        }
        if (!(info.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2
                || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)) {
            throw new SafetensorsException(file, where + " has no data_offsets pair of integers");
        }
        if (begin < 0 || end < begin || end > dataLength) {
            throw new SafetensorsException(file, where + " has data_offsets [" + begin + ", " + end
                    + ") outside the data section of " + dataLength + " bytes (truncated file?)");
        }
        long bytes = multiplyOrFail(file, where, elements, dtype.bytes());
        if (end - begin != bytes) {
            throw new SafetensorsException(file, where + " has data_offsets [" + begin + ", " + end + ") of "
                    + (end - begin) + " bytes, but shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + bytes);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long multiplyOrFail(Path file, String where, long a, long b) throws SafetensorsException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new SafetensorsException(file, where + " is impossibly large");
        }
    }

    @Override
    public void write(Path file, TensorReader tensors, Map<String, String> metadata) throws IOException {
        List<TensorInfo> infos = tensors.tensors();
        byte[] header = headerBytes(infos, metadata == null ? Map.of() : metadata);
        AtomicFiles.write(file, ch -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            ChunkedChannels.writeFully(ch, len);
            ChunkedChannels.writeFully(ch, ByteBuffer.wrap(header));
            FloatBuffer values = FloatBuffer.allocate(chunkValues);
            ByteBuffer bytes = ByteBuffer.allocate(chunkValues * writeDtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (TensorInfo t : infos) {
                TensorChunks.forEach(tensors, t, values, (offset, chunk) -> {
                    bytes.clear();
                    writeDtype.encode(chunk, bytes);
                    bytes.flip();
                    ChunkedChannels.writeFully(ch, bytes);
                });
            }
        });
    }

    private byte[] headerBytes(List<TensorInfo> tensors, Map<String, String> metadata) {
        StringBuilder b = new StringBuilder();
        b.append('{');
        boolean first = true;
        java.util.Set<String> seen = new java.util.HashSet<>();
        if (!metadata.isEmpty()) {
            Json.quote(METADATA, b);
            b.append(':').append(Json.objectOfStrings(metadata));
            first = false;
        }
        long offset = 0;
        for (TensorInfo t : tensors) {
            String name = t.name();
            if (name == null || name.isEmpty() || METADATA.equals(name)) {
                throw new IllegalArgumentException("bad tensor name '" + name + "' for a safetensors file");
            }
            if (!seen.add(name)) throw new IllegalArgumentException("tensor '" + name + "' is given twice");
            long bytes = Math.multiplyExact(t.size(), writeDtype.bytes());
            if (!first) {
                b.append(',');
            }
            first = false;
            Json.quote(name, b);
            b.append(":{\"dtype\":\"").append(writeDtype.name()).append("\",\"shape\":[");
            for (int i = 0; i < t.rank(); i++) {
                b.append(i == 0 ? "" : ",").append(t.dim(i));
            }
            b.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        b.append('}');
        byte[] raw = b.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (raw.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(raw, padded);
        Arrays.fill(out, raw.length, padded, (byte) ' ');
        return out;
    }

    /** The tensors of one file, read on demand in chunks of at most {@code chunkValues} values. */
    private record FileTensors(Path file, long dataStart, Map<String, Entry> entries, int chunkValues)
            implements TensorReader {
        @Override
        public List<TensorInfo> tensors() {
            return entries.values().stream().map(Entry::info).toList();
        }

        @Override
        public void read(String name, long offset, FloatBuffer into) {
            Entry e = entries.get(name);
            if (e == null) throw new IllegalArgumentException(file + " holds no tensor named " + name);
            TensorReader.checkRange(e.info(), offset, into.remaining());
            int width = e.dtype().bytes();
            ByteBuffer bytes = ByteBuffer.allocate(Math.min(into.remaining(), chunkValues) * width)
                    .order(ByteOrder.LITTLE_ENDIAN);
            long at = dataStart + e.begin() + offset * width;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                while (into.hasRemaining()) {
                    bytes.clear().limit(Math.min(into.remaining(), chunkValues) * width);
                    ChunkedChannels.readFully(ch, bytes, at, file);
                    at += bytes.limit();
                    bytes.flip();
                    e.dtype().decode(bytes, into);
                }
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot read tensor " + name + " of " + file + ": " + ex.getMessage(), ex);
            }
        }
    }
}
