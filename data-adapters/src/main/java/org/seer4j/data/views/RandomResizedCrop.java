package org.seer4j.data.views;

import org.seer4j.data.random.Rng;

/**
 * torchvision's {@code RandomResizedCrop.get_params}: up to 10 tries of an area fraction uniform in the scale
 * range and an aspect ratio log-uniform in [3/4, 4/3], sides rounded half-to-even as Python's {@code round};
 * the first rectangle that fits is placed uniformly. Failing that, the centre crop of the whole image with its
 * aspect ratio clamped into the range.
 */
public final class RandomResizedCrop {
    public static final double MIN_RATIO = 3.0 / 4.0;
    public static final double MAX_RATIO = 4.0 / 3.0;
    private static final int TRIES = 10;

    private RandomResizedCrop() {
    }

    public static CropBox sample(Rng rng, int width, int height, double minScale, double maxScale) {
        double area = (double) width * height;
        double logMin = Math.log(MIN_RATIO);
        double logMax = Math.log(MAX_RATIO);
        for (int t = 0; t < TRIES; t++) {
            double target = area * rng.uniform(minScale, maxScale);
            double ratio = Math.exp(rng.uniform(logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(target * ratio));
            int h = (int) Math.rint(Math.sqrt(target / ratio));
            if (w > 0 && h > 0 && w <= width && h <= height) {
                int top = rng.intBetween(0, height - h);
                int left = rng.intBetween(0, width - w);
                return new CropBox(top, left, h, w, false);
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < MIN_RATIO) {
            w = width;
            h = (int) Math.rint(w / MIN_RATIO);
        } else if (inRatio > MAX_RATIO) {
            h = height;
            w = (int) Math.rint(h * MAX_RATIO);
        } else {
            w = width;
            h = height;
        }
        return new CropBox((height - h) / 2, (width - w) / 2, h, w, true);
    }
}
