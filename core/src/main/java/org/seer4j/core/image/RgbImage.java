package org.seer4j.core.image;

/**
 * A decoded 8-bit RGB image, row-major, channels interleaved (HWC). Every source format ends up as this.
 * The array is owned by the image; nobody writes to it after construction.
 */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (width < 1 || height < 1 || pixels.length != width * height * 3) {
            throw new IllegalArgumentException("RGB image " + width + "x" + height + " needs "
                    + (long) width * height * 3 + " bytes, got " + pixels.length);
        }
    }

    public int red(int x, int y) {
        return pixels[(y * width + x) * 3] & 0xff;
    }

    public int green(int x, int y) {
        return pixels[(y * width + x) * 3 + 1] & 0xff;
    }

    public int blue(int x, int y) {
        return pixels[(y * width + x) * 3 + 2] & 0xff;
    }
}
