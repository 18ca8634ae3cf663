package org.seer4j.data.image;

import org.seer4j.core.image.RgbImage;

/**
 * The EXIF orientation tag (0x0112) of a JPEG, read from its APP1 segment without a metadata library, and the
 * transform that shows the image upright. Values 1-8 as in the EXIF standard; 1 (or no tag) means as stored.
 */
public final class ExifOrientation {
    private ExifOrientation() {
    }

    /** The orientation of a JPEG's bytes, 1 when absent or unreadable. */
    public static int of(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xff) != 0xff || (jpeg[1] & 0xff) != 0xd8) {
            return 1;
        }
        int at = 2;
        while (at + 4 <= jpeg.length) {
            if ((jpeg[at] & 0xff) != 0xff) {
                return 1;
            }
            int marker = jpeg[at + 1] & 0xff;
            if (marker == 0xff) {
                at++; // fill byte
                continue;
            }
            if (marker == 0xda || marker == 0xd9) {
                return 1; // start of scan or end of image: no EXIF before the pixels
            }
            int length = u16(jpeg, at + 2, false);
            if (length < 2) {
                return 1;
            }
            int payload = at + 4;
            if (marker == 0xe1 && payload + 6 <= jpeg.length && jpeg[payload] == 'E' && jpeg[payload + 1] == 'x'
                    && jpeg[payload + 2] == 'i' && jpeg[payload + 3] == 'f' && jpeg[payload + 4] == 0
                    && jpeg[payload + 5] == 0) {
                return fromTiff(jpeg, payload + 6, Math.min(jpeg.length, at + 2 + length));
            }
            at += 2 + length;
        }
        return 1;
    }

    private static int fromTiff(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return 1;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        if (u16(b, tiff + 2, little) != 42) {
            return 1;
        }
        long ifd = u32(b, tiff + 4, little);
        if (ifd < 8 || tiff + ifd + 2 > end) {
            return 1;
        }
        int at = (int) (tiff + ifd);
        int entries = u16(b, at, little);
        at += 2;
        for (int i = 0; i < entries && at + 12 <= end; i++, at += 12) {
            if (u16(b, at, little) == 0x0112) {
                int type = u16(b, at + 2, little);
                int value = type == 3 ? u16(b, at + 8, little) : (int) u32(b, at + 8, little);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int x = b[at] & 0xff;
        int y = b[at + 1] & 0xff;
        return little ? (y << 8) | x : (x << 8) | y;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long hi = u16(b, little ? at + 2 : at, little);
        long lo = u16(b, little ? at : at + 2, little);
        return (hi << 16) | lo;
    }

    /**
     * The upright image: 2 mirror, 3 rotate 180, 4 flip vertically, 5 transpose, 6 rotate 90 clockwise,
     * 7 transverse, 8 rotate 90 counter-clockwise.
     */
    public static RgbImage apply(RgbImage img, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return img;
        }
        int w = img.width();
        int h = img.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] src = img.pixels();
        byte[] out = new byte[src.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                // source pixel (sx, sy) shown at (x, y)
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                int s = (sy * w + sx) * 3;
                int o = (y * ow + x) * 3;
                out[o] = src[s];
                out[o + 1] = src[s + 1];
                out[o + 2] = src[s + 2];
            }
        }
        return new RgbImage(ow, oh, out);
    }
}
