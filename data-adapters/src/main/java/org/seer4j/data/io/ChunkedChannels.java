package org.seer4j.data.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Bounded, 64-bit file I/O shared by the tensor files, checkpoints and shards: positional reads and writes that
 * loop until a buffer is done (a channel may move fewer bytes than asked), and whole-file digests streamed
 * through a small buffer. Positions are longs throughout, so files beyond 2 GiB need nothing special.
 */
public final class ChunkedChannels {
    /** The digest buffer: files of any size are hashed through this much memory. */
    static final int DIGEST_BUFFER = 1 << 20;

    private ChunkedChannels() {
    }

    /** Fills {@code buf} from {@code position} on; a file that ends first is an error naming it. */
    public static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, at);
            if (r < 0) throw new IOException(file + " ends at byte " + at + ", before the " + buf.remaining()
                    + " more bytes expected there (truncated file?)");
            at += r;
        }
    }

    /** Writes all of {@code buf} at the channel's position. */
    public static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    /** The lowercase hex SHA-256 of a file, read in bounded chunks. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(DIGEST_BUFFER);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
