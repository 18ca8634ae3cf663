package org.seer4j.data.views;

import java.util.List;
import org.seer4j.core.image.RgbImage;
import org.seer4j.core.views.Augmentation;

/**
 * Turns an image and a crop's {@link CropParams} into a normalised CHW float crop, in SwAV's order: resized crop
 * and flip, colour jitter, grayscale, blur, then {@code (x - mean) / std}. One instance per worker thread: it owns
 * the scratch buffers, so the per-crop work allocates nothing.
 */
public final class CropAugmenter {
    private final Resampler resampler = new Resampler();
    private final GaussianBlur blur = new GaussianBlur();
    private final float[] mean = new float[3];
    private final float[] invStd = new float[3];
    private final Augmentation augmentation;
    private float[] work = new float[0];

    public CropAugmenter(Augmentation augmentation) {
        this.augmentation = augmentation;
        List<Double> m = augmentation.mean();
        List<Double> s = augmentation.std();
        for (int c = 0; c < 3; c++) {
            mean[c] = m.get(c).floatValue();
            invStd[c] = (float) (1.0 / s.get(c));
        }
    }

    public Augmentation augmentation() {
        return augmentation;
    }

    /** Writes the {@code size x size} crop to {@code out[offset ..offset + 3 * size * size)}. */
    public void apply(RgbImage image, CropParams p, int size, float[] out, int offset) {
        apply(image, p, size, out, offset, 1, 1);
    }

    /**
     * Like {@link #apply(RgbImage, CropParams, int, float[], int)} for an image decoded at {@code scaleX} x
     * {@code scaleY} of the size the crop box was drawn in (a reduced JPEG decode): the box is scaled onto it.
     */
    public void apply(RgbImage image, CropParams p, int size, float[] out, int offset, double scaleX,
                      double scaleY) {
        int n = size * size;
        if (work.length < 3 * n) {
            work = new float[3 * n];
        }
        float[] px = work;
        CropBox box = p.box();
        if (scaleX == 1 && scaleY == 1) {
            resampler.resize(image, box, size, size, p.flip(), px);
        } else {
            resampler.resize(image, box.top() * scaleY, box.left() * scaleX, box.height() * scaleY,
                    box.width() * scaleX, size, size, p.flip(), px);
        }
        if (p.jitterOrder() != null) {
            for (int op : p.jitterOrder()) {
                switch (op) {
                    case 0 -> {
                        if (p.brightness() != 1) {
                            ColorOps.brightness(px, n, p.brightness());
                        }
                    }
                    case 1 -> {
                        if (p.contrast() != 1) {
                            ColorOps.contrast(px, n, p.contrast());
                        }
                    }
                    case 2 -> {
                        if (p.saturation() != 1) {
                            ColorOps.saturation(px, n, p.saturation());
                        }
                    }
                    default -> {
                        if (p.hue() != 0) {
                            ColorOps.hue(px, n, p.hue());
                        }
                    }
                }
            }
        }
        if (p.grayscale()) {
            ColorOps.grayscale(px, n);
        }
        if (p.blurSigma() > 0) {
            blur.blur(px, size, size, p.blurSigma());
        }
        for (int c = 0; c < 3; c++) {
            float m = mean[c];
            float k = invStd[c];
            int base = c * n;
            int o = offset + base;
            for (int i = 0; i < n; i++) {
                out[o + i] = (px[base + i] - m) * k;
            }
        }
    }
}
