package org.seer4j.data.image;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An IDX file (the MNIST format) of unsigned bytes: a magic number {@code 0x0000 08 d}, {@code d} big-endian
 * int32 dimensions, then the values. Gzipped files are recognised by their magic bytes, not their name.
 *
 * @param dims   the dimensions, the first being the item count
 * @param values all values, row-major
 */
public record IdxFile(int[] dims, byte[] values) {
    private static final int UNSIGNED_BYTE = 0x08;

    public static IdxFile read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads one IDX file from {@code in}; {@code name} is for messages. */
    public static IdxFile read(InputStream raw, String name) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        InputStream body = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(in, 1 << 16) : in;
        byte[] all;
        try {
            all = body.readAllBytes();
        } catch (java.io.EOFException | java.util.zip.ZipException e) {
            throw new IOException(name + ": damaged gzip stream (" + e.getMessage() + ")", e);
        }
        return parse(all, name);
    }

    static IdxFile parse(byte[] all, String name) throws IOException {
        if (all.length < 4) {
            throw new IOException(name + ": only " + all.length + " bytes, not an IDX file");
        }
        ByteBuffer b = ByteBuffer.wrap(all); // IDX is big-endian, ByteBuffer's default
        if (all[0] != 0 || all[1] != 0) {
            throw new IOException(name + ": not an IDX file (magic number starts with "
                    + String.format("0x%02x%02x", all[0], all[1]) + ", expected 0x0000)");
        }
        if ((all[2] & 0xff) != UNSIGNED_BYTE) {
            throw new IOException(name + ": IDX element type " + String.format("0x%02x", all[2])
                    + " is not supported (only 0x08, unsigned byte)");
        }
        int d = all[3] & 0xff;
        if (d == 0 || all.length < 4 + 4L * d) {
            throw new IOException(name + ": IDX header with " + d + " dimensions is truncated or empty");
        }
        int[] dims = new int[d];
        long count = 1;
        for (int i = 0; i < d; i++) {
            dims[i] = b.getInt(4 + 4 * i);
            if (dims[i] < 0) {
                throw new IOException(name + ": negative IDX dimension " + dims[i]);
            }
            count *= dims[i];
            if (count > Integer.MAX_VALUE) {
                throw new IOException(name + ": IDX dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                        + " are too large");
            }
        }
        int start = 4 + 4 * d;
        long have = all.length - start;
        if (have != count) {
            throw new IOException(name + ": IDX dimensions " + Arrays.toString(dims) + " need " + count
                    + " values but the file has " + have + (have < count ? " (truncated?)" : ""));
        }
        return new IdxFile(dims, Arrays.copyOfRange(all, start, all.length));
    }

    public int count() {
        return dims[0];
    }

    /** Values per item (rows x cols for images, 1 for labels). */
    public int itemSize() {
        int s = 1;
        for (int i = 1; i < dims.length; i++) {
            s *= dims[i];
        }
        return s;
    }

    /** For tests and the sample cutter: writes an uncompressed IDX file's bytes. */
    public static byte[] encode(int[] dims, byte[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
        b.put((byte) 0).put((byte) 0).put((byte) UNSIGNED_BYTE).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(values);
        return b.array();
    }

    static IdxFile read(byte[] bytes, String name) throws IOException {
        return read(new ByteArrayInputStream(bytes), name);
    }
}
