package org.seer4j.core.views;

import java.util.List;
import org.seer4j.core.image.RgbImage;

/**
 * A view as the engine receives it, back as a picture: the inverse of the pipelines' last step,
 * {@code x = (p / 255 - mean) / std} per channel, so {@code p = round(255 * (x * std + mean))} clamped to 0..255.
 */
public final class ViewPixels {
    private ViewPixels() {
    }

    /**
     * The {@code size} x {@code size} CHW view starting at {@code offset} of {@code values}, de-normalised with the
     * augmentation's mean and std.
     */
    public static RgbImage toImage(float[] values, int offset, int size, List<Double> mean, List<Double> std) {
        int plane = size * size;
        byte[] rgb = new byte[plane * 3];
        for (int c = 0; c < 3; c++) {
            double m = mean.get(c);
            double s = std.get(c);
            for (int i = 0; i < plane; i++) {
                long p = Math.round(255 * (values[offset + c * plane + i] * s + m));
                rgb[i * 3 + c] = (byte) Math.max(0, Math.min(255, p));
            }
        }
        return new RgbImage(size, size, rgb);
    }
}
