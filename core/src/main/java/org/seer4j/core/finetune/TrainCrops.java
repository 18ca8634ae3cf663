package org.seer4j.core.finetune;

import java.util.List;
import java.util.SplittableRandom;
import org.seer4j.core.image.RgbImage;

/**
 * The fine-tuning augmentation of SwAV's and VISSL's supervised evaluations: torchvision's
 * {@code RandomResizedCrop(size, scale = (minScale, 1), ratio = (3/4, 4/3))} then {@code RandomHorizontalFlip()},
 * scaled to [0, 1] and normalised with the run's mean and std, written CHW. The draws come from a generator seeded
 * by (seed, epoch, image id), so an image's crop does not depend on the batch it lands in or on where a run
 * resumed.
 */
public final class TrainCrops {
    private static final double LOG_MIN_RATIO = Math.log(3.0 / 4);
    private static final double LOG_MAX_RATIO = Math.log(4.0 / 3);
    private static final int ATTEMPTS = 10;

    private final int size;
    private final double minScale;
    private final float[] mean = new float[3];
    private final float[] invStd = new float[3];

    public TrainCrops(int size, double minScale, List<Double> mean, List<Double> std) {
        if (size < 1) throw new IllegalArgumentException("crop size must be >= 1, got " + size);
        this.size = size;
        this.minScale = minScale;
        for (int c = 0; c < 3; c++) {
            this.mean[c] = mean.get(c).floatValue();
            this.invStd[c] = (float) (1 / std.get(c));
        }
    }

    public int size() {
        return size;
    }

    /** A crop box in source pixels. */
    record Box(int x, int y, int width, int height, boolean flip) {
    }

    /** Writes the augmented view of {@code image} (3 x size x size values) at {@code offset} of {@code out}. */
    public void write(RgbImage image, String id, long seed, long epoch, float[] out, int offset) {
        Box b = box(image.width(), image.height(), random(seed, epoch, id));
        int plane = size * size;
        double sxScale = (double) b.width() / size;
        double syScale = (double) b.height() / size;
        byte[] px = image.pixels();
        int w = image.width();
        for (int y = 0; y < size; y++) {
            double sy = Math.min(Math.max((y + 0.5) * syScale - 0.5, 0), b.height() - 1);
            int ya = (int) sy;
            int yb = Math.min(ya + 1, b.height() - 1);
            double fy = sy - ya;
            for (int x = 0; x < size; x++) {
                int ox = b.flip() ? size - 1 - x : x;
                double sx = Math.min(Math.max((x + 0.5) * sxScale - 0.5, 0), b.width() - 1);
                int xa = (int) sx;
                int xb = Math.min(xa + 1, b.width() - 1);
                double fx = sx - xa;
                int r0 = ((b.y() + ya) * w + b.x()) * 3;
                int r1 = ((b.y() + yb) * w + b.x()) * 3;
                for (int c = 0; c < 3; c++) {
                    double top = (px[r0 + xa * 3 + c] & 0xff) * (1 - fx) + (px[r0 + xb * 3 + c] & 0xff) * fx;
                    double bottom = (px[r1 + xa * 3 + c] & 0xff) * (1 - fx) + (px[r1 + xb * 3 + c] & 0xff) * fx;
                    float v = (float) ((top * (1 - fy) + bottom * fy) / 255.0);
                    out[offset + c * plane + y * size + ox] = (v - mean[c]) * invStd[c];
                }
            }
        }
    }

    /** torchvision's RandomResizedCrop.get_params, then the flip coin. */
    Box box(int width, int height, SplittableRandom r) {
        double area = (double) width * height;
        for (int i = 0; i < ATTEMPTS; i++) {
            double target = area * (minScale + (1 - minScale) * r.nextDouble());
            double ratio = Math.exp(LOG_MIN_RATIO + (LOG_MAX_RATIO - LOG_MIN_RATIO) * r.nextDouble());
            int w = (int) Math.round(Math.sqrt(target * ratio));
            int h = (int) Math.round(Math.sqrt(target / ratio));
            if (w > 0 && h > 0 && w <= width && h <= height) {
                int y = r.nextInt(height - h + 1);
                int x = r.nextInt(width - w + 1);
                return new Box(x, y, w, h, r.nextBoolean());
            }
        }
        // fallback: the centred crop whose aspect ratio is clamped into [3/4, 4/3]
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < 3.0 / 4) {
            w = width;
            h = (int) Math.round(w / (3.0 / 4));
        } else if (inRatio > 4.0 / 3) {
            h = height;
            w = (int) Math.round(h * (4.0 / 3));
        } else {
            w = width;
            h = height;
        }
        w = Math.min(w, width);
        h = Math.min(h, height);
        return new Box((width - w) / 2, (height - h) / 2, w, h, r.nextBoolean());
    }

    static SplittableRandom random(long seed, long epoch, String id) {
        return new SplittableRandom(LabelSubset.rank(id, seed * 0x9E3779B97F4A7C15L + epoch));
    }
}
