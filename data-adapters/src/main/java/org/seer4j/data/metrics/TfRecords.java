package org.seer4j.data.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard's event files: per record a little-endian u64 length, the masked
 * CRC32C of those 8 bytes, the data, and the masked CRC32C of the data.
 */
final class TfRecords {
    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecords() {
    }

    static void write(OutputStream out, byte[] data) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(data.length);
        header.putInt(maskedCrc(header.array(), 0, 8));
        ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        footer.putInt(maskedCrc(data, 0, data.length));
        out.write(header.array());
        out.write(data);
        out.write(footer.array());
    }

    /** TensorFlow's masked CRC: the CRC32C rotated right by 15 bits plus a constant (CRCs of CRCs stay strong). */
    static int maskedCrc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }
}
