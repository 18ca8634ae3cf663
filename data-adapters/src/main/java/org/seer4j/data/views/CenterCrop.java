package org.seer4j.data.views;

import java.util.List;
import org.seer4j.core.image.RgbImage;

/**
 * The evaluation view, as torchvision's {@code Resize(resize)} + {@code CenterCrop(crop)} + {@code Normalize}:
 * the image is resized (antialiased bilinear) so its shorter side is {@code resize}, then the centred
 * {@code crop x crop} square is cut out and normalised. One instance per thread (it keeps its buffers).
 */
public final class CenterCrop {
    private final int resize;
    private final int crop;
    private final float[] mean = new float[3];
    private final float[] invStd = new float[3];
    private final Resampler resampler = new Resampler();
    private float[] resized = new float[0];

    public CenterCrop(int resize, int crop, List<Double> mean, List<Double> std) {
        if (crop < 1 || resize < crop) {
            throw new IllegalArgumentException("need 1 <= crop (" + crop + ") <= resize (" + resize + ")");
        }
        this.resize = resize;
        this.crop = crop;
        for (int c = 0; c < 3; c++) {
            this.mean[c] = mean.get(c).floatValue();
            this.invStd[c] = (float) (1.0 / std.get(c));
        }
    }

    public int crop() {
        return crop;
    }

    /** Output size of the resize step: torchvision truncates the longer side ({@code int(resize * long / short)}). */
    static int[] resizedSize(int width, int height, int shortSide) {
        if (width <= height) {
            return new int[] {shortSide, (int) ((long) shortSide * height / width)};
        }
        return new int[] {(int) ((long) shortSide * width / height), shortSide};
    }

    /** Writes the normalised CHW crop to {@code out[offset .. offset + 3 * crop * crop)}. */
    public void apply(RgbImage image, float[] out, int offset) {
        int[] size = resizedSize(image.width(), image.height(), resize);
        int w = size[0];
        int h = size[1];
        if (resized.length < 3 * w * h) {
            resized = new float[3 * w * h];
        }
        resampler.resize(image, new CropBox(0, 0, image.height(), image.width(), false), w, h, false, resized);
        // torchvision's centre crop offsets: int(round((size - crop) / 2))
        int top = (int) Math.rint((h - crop) / 2.0);
        int left = (int) Math.rint((w - crop) / 2.0);
        int plane = w * h;
        int n = crop * crop;
        for (int c = 0; c < 3; c++) {
            float m = mean[c];
            float k = invStd[c];
            for (int y = 0; y < crop; y++) {
                int src = c * plane + (top + y) * w + left;
                int dst = offset + c * n + y * crop;
                for (int x = 0; x < crop; x++) {
                    out[dst + x] = (resized[src + x] - m) * k;
                }
            }
        }
    }
}
