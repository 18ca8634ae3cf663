package org.seer4j.data.views;

/**
 * torchvision's colour transforms on planar RGB floats in [0, 1] ({@code n} pixels per plane, planes at 0, n,
 * 2n), results clamped to [0, 1] after each as torchvision does. Gray is ITU-R 601: 0.299 R + 0.587 G + 0.114 B.
 */
public final class ColorOps {
    static final float WR = 0.299f;
    static final float WG = 0.587f;
    static final float WB = 0.114f;

    private ColorOps() {
    }

    private static float clamp(float v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }

    /** Blend with black: {@code f * x}. */
    public static void brightness(float[] px, int n, float f) {
        for (int i = 0; i < 3 * n; i++) {
            px[i] = clamp(f * px[i]);
        }
    }

    /** Blend with the mean gray level of the whole image: {@code f * x + (1 - f) * mean(gray)}. */
    public static void contrast(float[] px, int n, float f) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += WR * px[i] + WG * px[n + i] + WB * px[2 * n + i];
        }
        float shift = (float) ((1 - f) * (sum / n));
        for (int i = 0; i < 3 * n; i++) {
            px[i] = clamp(f * px[i] + shift);
        }
    }

    /** Blend each pixel with its own gray: {@code f * x + (1 - f) * gray(x)}. */
    public static void saturation(float[] px, int n, float f) {
        float g1 = 1 - f;
        for (int i = 0; i < n; i++) {
            float gray = g1 * (WR * px[i] + WG * px[n + i] + WB * px[2 * n + i]);
            px[i] = clamp(f * px[i] + gray);
            px[n + i] = clamp(f * px[n + i] + gray);
            px[2 * n + i] = clamp(f * px[2 * n + i] + gray);
        }
    }

    /** Every channel set to the pixel's gray level. */
    public static void grayscale(float[] px, int n) {
        for (int i = 0; i < n; i++) {
            float gray = WR * px[i] + WG * px[n + i] + WB * px[2 * n + i];
            px[i] = gray;
            px[n + i] = gray;
            px[2 * n + i] = gray;
        }
    }

    /** Rotates the hue by {@code shift} turns (in [-0.5, 0.5]) through HSV, keeping saturation and value. */
    public static void hue(float[] px, int n, float shift) {
        for (int i = 0; i < n; i++) {
            float r = px[i];
            float g = px[n + i];
            float b = px[2 * n + i];
            float max = Math.max(r, Math.max(g, b));
            float min = Math.min(r, Math.min(g, b));
            float chroma = max - min;
            if (chroma == 0) {
                continue; // gray: no hue to rotate
            }
            float s = chroma / max;
            float h;
            if (max == r) {
                h = (g - b) / chroma;
            } else if (max == g) {
                h = 2 + (b - r) / chroma;
            } else {
                h = 4 + (r - g) / chroma;
            }
            h = h / 6 + shift;
            h -= (float) Math.floor(h);
            float h6 = h * 6;
            int sector = (int) h6;
            if (sector == 6) {
                sector = 0;
            }
            float frac = h6 - sector;
            float v = max;
            float p = clamp(v * (1 - s));
            float q = clamp(v * (1 - s * frac));
            float t = clamp(v * (1 - s * (1 - frac)));
            switch (sector) {
                case 0 -> set(px, n, i, v, t, p);
                case 1 -> set(px, n, i, q, v, p);
                case 2 -> set(px, n, i, p, v, t);
                case 3 -> set(px, n, i, p, q, v);
                case 4 -> set(px, n, i, t, p, v);
                default -> set(px, n, i, v, p, q);
            }
        }
    }

    private static void set(float[] px, int n, int i, float r, float g, float b) {
        px[i] = r;
        px[n + i] = g;
        px[2 * n + i] = b;
    }
}
