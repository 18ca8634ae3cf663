package org.seer4j.data.views;

import org.seer4j.core.image.RgbImage;

/**
 * Antialiased bilinear resampling as PIL's {@code ImagingResample} and torchvision's
 * {@code resize(antialias=True)} do it: separable, horizontal pass then vertical, each output pixel a
 * triangle-filter average over the input pixels within {@code max(1, scale)} of its centre (so a downscale
 * averages everything it covers instead of aliasing), weights renormalised at the borders. Intermediate values
 * stay float (PIL rounds 8-bit images to bytes between passes; the difference is under 1/255).
 *
 * <p>One instance per worker: it keeps its weight tables and the intermediate plane between calls.
 */
public final class Resampler {
    private float[] mid = new float[0];
    private final Filter horizontal = new Filter();
    private final Filter vertical = new Filter();

    /** Weights of one pass: for output k, {@code count[k]} taps from input {@code first[k]}. */
    static final class Filter {
        int[] first = new int[0];
        int[] count = new int[0];
        float[] weights = new float[0];
        int taps;

        /** Source extent covered: {@code [lowest, highest)}. */
        int lowest;
        int highest;

        /**
         * Weights for resampling {@code [x0, x0 + len)} of an axis of {@code limit} pixels to {@code out}
         * pixels; taps never leave the box's pixels (those it touches, for a fractional box).
         */
        void compute(double x0, double len, int limit, int out) {
            double scale = len / out;
            double support = Math.max(scale, 1.0); // triangle filter of half-width 1, stretched when shrinking
            taps = (int) Math.ceil(support) * 2 + 1;
            if (first.length < out) {
                first = new int[out];
                count = new int[out];
            }
            if (weights.length < out * taps) {
                weights = new float[out * taps];
            }
            lowest = Math.max(0, (int) Math.floor(x0));
            highest = Math.min(limit, (int) Math.ceil(x0 + len));
            double inv = 1.0 / support;
            for (int k = 0; k < out; k++) {
                double centre = x0 + (k + 0.5) * scale;
                int lo = Math.max((int) Math.floor(centre - support + 0.5), lowest);
                int hi = Math.min((int) Math.floor(centre + support + 0.5), highest);
                int n = Math.max(0, hi - lo);
                double sum = 0;
                for (int t = 0; t < n; t++) {
                    double x = (lo + t - centre + 0.5) * inv;
                    double w = Math.max(0, 1 - Math.abs(x));
                    weights[k * taps + t] = (float) w;
                    sum += w;
                }
                for (int t = 0; t < n; t++) {
                    weights[k * taps + t] = sum == 0 ? 0 : (float) (weights[k * taps + t] / sum);
                }
                first[k] = lo;
                count[k] = n;
            }
        }
    }

    /**
     * Resizes {@code box} of {@code src} to {@code outW x outH} and writes planar RGB in [0, 1] to {@code out}
     * (channel c at {@code c * outW * outH}), mirrored left-right if {@code flip}.
     */
    public void resize(RgbImage src, CropBox box, int outW, int outH, boolean flip, float[] out) {
        resize(src, box.top(), box.left(), box.height(), box.width(), outW, outH, flip, out);
    }

    /**
     * Like {@link #resize(RgbImage, CropBox, int, int, boolean, float[])} for a box with fractional edges (a
     * crop drawn on the full-size image, mapped onto a reduced decode of it).
     */
    public void resize(RgbImage src, double top, double left, double height, double width, int outW, int outH,
                       boolean flip, float[] out) {
        horizontal.compute(left, width, src.width(), outW);
        vertical.compute(top, height, src.height(), outH);
        int y0 = vertical.lowest;
        int rows = vertical.highest - y0;
        int plane = rows * outW;
        if (mid.length < 3 * plane) {
            mid = new float[3 * plane];
        }
        byte[] px = src.pixels();
        int stride = src.width() * 3;
        float[] hw = horizontal.weights;
        int ht = horizontal.taps;
        for (int y = 0; y < rows; y++) {
            int rowBase = (y0 + y) * stride;
            for (int k = 0; k < outW; k++) {
                int at = rowBase + horizontal.first[k] * 3;
                int n = horizontal.count[k];
                int wBase = k * ht;
                float r = 0;
                float g = 0;
                float b = 0;
                for (int t = 0; t < n; t++) {
                    float w = hw[wBase + t];
                    int p = at + 3 * t;
                    r += w * (px[p] & 0xff);
                    g += w * (px[p + 1] & 0xff);
                    b += w * (px[p + 2] & 0xff);
                }
                int o = y * outW + (flip ? outW - 1 - k : k);
                mid[o] = r;
                mid[plane + o] = g;
                mid[2 * plane + o] = b;
            }
        }
        float[] vw = vertical.weights;
        int vt = vertical.taps;
        int outPlane = outW * outH;
        final float toUnit = 1f / 255f;
        for (int c = 0; c < 3; c++) {
            int midBase = c * plane;
            int outBase = c * outPlane;
            for (int k = 0; k < outH; k++) {
                int n = vertical.count[k];
                int start = midBase + (vertical.first[k] - y0) * outW;
                int wBase = k * vt;
                int o = outBase + k * outW;
                for (int x = 0; x < outW; x++) {
                    out[o + x] = 0;
                }
                for (int t = 0; t < n; t++) {
                    float w = vw[wBase + t] * toUnit;
                    int row = start + t * outW;
                    for (int x = 0; x < outW; x++) {
                        out[o + x] += w * mid[row + x];
                    }
                }
            }
        }
    }
}
