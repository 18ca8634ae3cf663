package org.seer4j.data.views;

/**
 * Separable Gaussian blur of planar RGB floats. The kernel is the sampled Gaussian
 * {@code exp(-x^2 / (2 sigma^2))} normalised to sum 1, over {@code 2 * ceil(3 sigma) + 1} taps (99.7% of the
 * mass), borders reflected without repeating the edge pixel as torchvision's {@code GaussianBlur} pads. The
 * radius is capped at {@code size - 1} so reflection stays inside the image. One instance per worker.
 */
public final class GaussianBlur {
    private float[] tmp = new float[0];
    private float[] kernel = new float[0];

    /** The normalised kernel for {@code sigma}, centre at index {@code (length - 1) / 2}. */
    public static float[] kernel(double sigma, int maxRadius) {
        int radius = Math.max(0, Math.min((int) Math.ceil(3 * sigma), maxRadius));
        float[] k = new float[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            double v = Math.exp(-0.5 * (i / sigma) * (i / sigma));
            k[i + radius] = (float) v;
            sum += v;
        }
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (k[i] / sum);
        }
        return k;
    }

    static int reflect(int i, int n) {
        if (i < 0) {
            return -i;
        }
        if (i >= n) {
            return 2 * (n - 1) - i;
        }
        return i;
    }

    /** One horizontal output near the border, its neighbours reflected. */
    private float reflected(float[] px, int row, int x, int w, int r) {
        float sum = 0;
        for (int t = -r; t <= r; t++) {
            sum += kernel[t + r] * px[row + reflect(x + t, w)];
        }
        return sum;
    }

    /** Blurs {@code w x h} planes in place. */
    public void blur(float[] px, int w, int h, double sigma) {
        kernel = kernel(sigma, Math.max(0, Math.min(w, h) - 1));
        int r = (kernel.length - 1) / 2;
        if (r == 0) {
            return;
        }
        int plane = w * h;
        if (tmp.length < plane) {
            tmp = new float[plane];
        }
        for (int c = 0; c < 3; c++) {
            int base = c * plane;
            // horizontal into tmp: taps outermost so the inner loop runs along memory (and vectorises);
            // only the r pixels at each end need reflected neighbours
            for (int y = 0; y < h; y++) {
                int row = base + y * w;
                int out = y * w;
                int lo = Math.min(r, w);
                int hi = Math.max(lo, w - r);
                for (int x = lo; x < hi; x++) {
                    tmp[out + x] = 0;
                }
                for (int t = 0; t < kernel.length; t++) {
                    float k = kernel[t];
                    int shift = row + t - r;
                    for (int x = lo; x < hi; x++) {
                        tmp[out + x] += k * px[shift + x];
                    }
                }
                for (int x = 0; x < lo; x++) {
                    tmp[out + x] = reflected(px, row, x, w, r);
                }
                for (int x = hi; x < w; x++) {
                    tmp[out + x] = reflected(px, row, x, w, r);
                }
            }
            // vertical back into px, row by row so the inner loop runs along memory
            for (int y = 0; y < h; y++) {
                int o = base + y * w;
                for (int x = 0; x < w; x++) {
                    px[o + x] = 0;
                }
                for (int t = -r; t <= r; t++) {
                    float k = kernel[t + r];
                    int src = reflect(y + t, h) * w;
                    for (int x = 0; x < w; x++) {
                        px[o + x] += k * tmp[src + x];
                    }
                }
            }
        }
    }
}
