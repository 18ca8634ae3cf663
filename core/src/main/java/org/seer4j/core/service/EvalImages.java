package org.seer4j.core.service;

import org.seer4j.core.image.RgbImage;
import org.seer4j.core.views.Augmentation;

/**
 * The deterministic view evaluation and embedding use: the centred square of the image, bilinearly resized to
 * the size of the first (largest) crop group, scaled to [0, 1] and normalised with the augmentation's mean and
 * std, written CHW. Images already at that size and square are only normalised.
 */
final class EvalImages {
    private final int size;
    private final float[] mean = new float[3];
    private final float[] invStd = new float[3];

    EvalImages(int size, Augmentation augmentation) {
        this.size = size;
        for (int c = 0; c < 3; c++) {
            mean[c] = augmentation.mean().get(c).floatValue();
            invStd[c] = (float) (1 / augmentation.std().get(c));
        }
    }

    int size() {
        return size;
    }

    /** Writes the image's 3 x size x size values at {@code offset} of {@code out}. */
    void write(RgbImage image, float[] out, int offset) {
        int side = Math.min(image.width(), image.height());
        int x0 = (image.width() - side) / 2;
        int y0 = (image.height() - side) / 2;
        double scale = (double) side / size;
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            // Pixel centres map as in align_corners = false resizing.
            double sy = Math.min(Math.max((y + 0.5) * scale - 0.5, 0), side - 1);
            int ya = (int) sy;
            int yb = Math.min(ya + 1, side - 1);
            double fy = sy - ya;
            for (int x = 0; x < size; x++) {
                double sx = Math.min(Math.max((x + 0.5) * scale - 0.5, 0), side - 1);
                int xa = (int) sx;
                int xb = Math.min(xa + 1, side - 1);
                double fx = sx - xa;
                for (int c = 0; c < 3; c++) {
                    double top = channel(image, c, x0 + xa, y0 + ya) * (1 - fx) + channel(image, c, x0 + xb, y0 + ya) * fx;
                    double bottom = channel(image, c, x0 + xa, y0 + yb) * (1 - fx) + channel(image, c, x0 + xb, y0 + yb) * fx;
                    float v = (float) ((top * (1 - fy) + bottom * fy) / 255.0);
                    out[offset + c * plane + y * size + x] = (v - mean[c]) * invStd[c];
                }
            }
        }
    }

    private static int channel(RgbImage image, int c, int x, int y) {
        return image.pixels()[(y * image.width() + x) * 3 + c] & 0xff;
    }
}
