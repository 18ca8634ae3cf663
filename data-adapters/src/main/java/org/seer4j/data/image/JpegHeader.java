package org.seer4j.data.image;

/**
 * What a JPEG's frame header (SOFn marker) says, read without decoding: the stored size, the number of colour
 * components, the coding process. Enough to draw crop boxes before decoding and to choose a DCT-domain reduction.
 *
 * @param width       stored width (before any EXIF rotation)
 * @param height      stored height
 * @param components  1 (gray), 3 (YCbCr or RGB) or 4 (CMYK/YCCK)
 * @param sof         the frame marker's low byte: 0 baseline, 1 extended, 2 progressive, 3 lossless, 9+ arithmetic
 * @param precision   bits per sample (8 for nearly every JPEG, 12 or 16 for some medical or lossless ones)
 */
public record JpegHeader(int width, int height, int components, int sof, int precision) {

    /** Baseline, extended or progressive Huffman coding of 8-bit gray or 3-component colour. */
    public boolean common() {
        return precision == 8 && (components == 1 || components == 3) && sof <= 2 && width > 0 && height > 0;
    }

    /** The frame header of {@code b}, or null when the bytes are not a JPEG or end before it. */
    public static JpegHeader read(byte[] b) {
        if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8) {
            return null;
        }
        int at = 2;
        while (at + 4 <= b.length) {
            if ((b[at] & 0xff) != 0xff) {
                return null;
            }
            int marker = b[at + 1] & 0xff;
            if (marker == 0xff) {
                at++; // fill byte
                continue;
            }
            if (marker == 0xd8 || marker >= 0xd0 && marker <= 0xd7 || marker == 0x01) {
                at += 2; // markers without a length
                continue;
            }
            if (marker == 0xda || marker == 0xd9) {
                return null; // scan or end before any frame header
            }
            int length = ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
            if (length < 2) {
                return null;
            }
            boolean frame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (frame) {
                if (at + 10 > b.length) {
                    return null;
                }
                int precision = b[at + 4] & 0xff;
                int height = ((b[at + 5] & 0xff) << 8) | (b[at + 6] & 0xff);
                int width = ((b[at + 7] & 0xff) << 8) | (b[at + 8] & 0xff);
                int components = b[at + 9] & 0xff;
                return new JpegHeader(width, height, components, marker - 0xc0, precision);
            }
            at += 2 + length;
        }
        return null;
    }
}
