package org.seer4j.data.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
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
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.io.AtomicFiles;
import org.seer4j.data.json.Json;

/**
 * The safetensors format (an 8-byte little-endian header length, a JSON header, then raw little-endian tensor
 * bytes), read through a memory map and written atomically.
 *
 * <p>Reading converts F32, F16, BF16 and F64 to float. Integer tensors named {@code *.num_batches_tracked}
 * (batch-norm step counters in torchvision state dicts, which no engine needs) are skipped; any other integer,
 * boolean or 8-bit float tensor is an error naming it. Tensors come back in file order (by data offset). The
 * reader checks everything the header claims against the file: header length, dtype names, shapes, that each
 * tensor's byte range lies inside the data section, matches shape times dtype size and overlaps no other
 * tensor. Gaps between tensors are tolerated.
 *
 * <p>Writing stores tensors contiguously in the map's order, in {@link #writeDtype} (F32 by default), and pads
 * the header with spaces to a multiple of 8 bytes as the reference writer does.
 */
public final class SafetensorsFile implements TensorFile {
    /** The reference implementation's limit; a larger header is taken for a corrupt length field. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final String METADATA = "__metadata__";
    private static final String SKIPPED_SUFFIX = "num_batches_tracked";
    private static final int CHUNK_BYTES = 1 << 30;

    private final Dtype writeDtype;

    public SafetensorsFile() {
        this(Dtype.F32);
    }

    public SafetensorsFile(Dtype writeDtype) {
        if (writeDtype != Dtype.F32 && writeDtype != Dtype.F16 && writeDtype != Dtype.BF16) {
            throw new IllegalArgumentException("can write F32, F16 or BF16, not " + writeDtype);
        }
        this.writeDtype = writeDtype;
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
    }

    @Override
    public Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = header(file, ch);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Entry e : header.entries()) {
                if (!e.dtype().readable()) {
                    if (e.dtype().integral() && e.name().endsWith(SKIPPED_SUFFIX)) {
                        continue;
                    }
                    throw new SafetensorsException(file, "tensor '" + e.name() + "' has dtype " + e.dtype()
                            + ", which cannot be read as float (F32, F16, BF16 or F64 are)");
                }
                out.put(e.name(), Tensor.of(values(ch, header.dataStart(), e), e.shape()));
            }
            return out;
        }
    }

    /** The {@code __metadata__} strings of a file, without reading its tensors. */
    public Map<String, String> metadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return header(file, ch).metadata();
        }
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
        readFully(ch, lenBuf, 0);
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
        readFully(ch, hb, 8);
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
        if (dtype.readable() && elements > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(file, where + " has " + elements + " elements, too many for one array");
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

    private static float[] values(FileChannel ch, long dataStart, Entry e) throws IOException {
        int n = (int) e.elements();
        float[] out = new float[n];
        int width = e.dtype().bytes();
        // map at most CHUNK_BYTES at a time: a single mapping cannot exceed 2 GiB
        int perChunk = CHUNK_BYTES / width;
        for (int done = 0; done < n; ) {
            int count = Math.min(perChunk, n - done);
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY,
                    dataStart + e.begin() + (long) done * width, (long) count * width);
            map.order(ByteOrder.LITTLE_ENDIAN);
            switch (e.dtype()) {
                case F32 -> map.asFloatBuffer().get(out, done, count);
                case F64 -> {
                    for (int i = 0; i < count; i++) {
                        out[done + i] = (float) map.getDouble(i * 8);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < count; i++) {
                        out[done + i] = HalfFloats.f16ToFloat(map.getShort(i * 2));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < count; i++) {
                        out[done + i] = HalfFloats.bf16ToFloat(map.getShort(i * 2));
                    }
                }
                default -> throw new IllegalStateException("unreadable dtype " + e.dtype());
            }
            done += count;
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, at);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            at += r;
        }
    }

    @Override
    public void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] header = headerBytes(tensors, metadata == null ? Map.of() : metadata);
        AtomicFiles.write(file, ch -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(header));
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                writeValues(ch, buf, t);
            }
        });
    }

    /** The header as safetensors writers emit it: metadata first, then each tensor in data order. */
    private byte[] headerBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(METADATA, metadata);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || METADATA.equals(name)) {
                throw new IllegalArgumentException("bad tensor name '" + name + "' for a safetensors file");
            }
            Tensor t = e.getValue();
            long bytes = (long) t.size() * writeDtype.bytes();
            int[] shape = new int[t.rank()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.dim(i);
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", writeDtype.name());
            info.put("shape", shape);
            info.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(name, info);
            offset += bytes;
        }
        byte[] raw = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (raw.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(raw, padded);
        Arrays.fill(out, raw.length, padded, (byte) ' ');
        return out;
    }

    private void writeValues(FileChannel ch, ByteBuffer buf, Tensor t) throws IOException {
        if (writeDtype == Dtype.F32) {
            // bulk copy through a little-endian float view, one buffer-full at a time
            FloatBuffer src = t.buffer();
            while (src.hasRemaining()) {
                int count = Math.min(src.remaining(), buf.capacity() / 4);
                FloatBuffer chunk = src.slice();
                chunk.limit(count);
                buf.clear();
                buf.asFloatBuffer().put(chunk);
                buf.limit(count * 4);
                writeFully(ch, buf);
                src.position(src.position() + count);
            }
            return;
        }
        int n = t.size();
        buf.clear();
        for (int i = 0; i < n; i++) {
            if (buf.remaining() < 4) {
                buf.flip();
                writeFully(ch, buf);
                buf.clear();
            }
            float v = t.get(i);
            switch (writeDtype) {
                case F32 -> buf.putFloat(v);
                case F16 -> buf.putShort(HalfFloats.floatToF16(v));
                case BF16 -> buf.putShort(HalfFloats.floatToBf16(v));
                default -> throw new IllegalStateException();
            }
        }
        buf.flip();
        writeFully(ch, buf);
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
