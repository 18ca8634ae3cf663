package org.seer4j.data.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.seer4j.data.random.Rng;

class ColorOpsTest {
    private static final float EPS = 1e-6f;

    /** Two pixels (0.2, 0.4, 0.6) and (0.9, 0.1, 0.5), planar. */
    private static float[] two() {
        return new float[] {0.2f, 0.9f, 0.4f, 0.1f, 0.6f, 0.5f};
    }

    private static double gray(double r, double g, double b) {
        return 0.299 * r + 0.587 * g + 0.114 * b;
    }

    @Test
    void brightnessScalesAndClamps() {
        float[] p = two();
        ColorOps.brightness(p, 2, 1.5f);
        assertThat(p).containsExactly(new float[] {0.3f, 1f, 0.6f, 0.15f, 0.9f, 0.75f}, within(EPS));
    }

    @Test
    void contrastBlendsWithTheImageMeanGray() {
        float[] p = two();
        double mean = (gray(0.2, 0.4, 0.6) + gray(0.9, 0.1, 0.5)) / 2;
        ColorOps.contrast(p, 2, 0.5f);
        double[] in = {0.2, 0.9, 0.4, 0.1, 0.6, 0.5};
        for (int i = 0; i < 6; i++) {
            assertThat((double) p[i]).isCloseTo(0.5 * in[i] + 0.5 * mean, within(1e-6));
        }
    }

    @Test
    void saturationBlendsEachPixelWithItsOwnGrayAndZeroGivesGray() {
        float[] p = two();
        ColorOps.saturation(p, 2, 0f);
        double g0 = gray(0.2, 0.4, 0.6);
        double g1 = gray(0.9, 0.1, 0.5);
        assertThat(p).containsExactly(new float[] {(float) g0, (float) g1, (float) g0, (float) g1, (float) g0,
                (float) g1}, within(EPS));
        float[] q = two();
        ColorOps.saturation(q, 2, 2f);
        // 2x - gray, clamped: red of pixel 1 is 1.8 - g1 > 1
        assertThat(q[0]).isCloseTo((float) (0.4 - g0), within(EPS));
        assertThat(q[1]).isEqualTo(1f);
        assertThat(q[3]).isCloseTo((float) Math.max(0, 0.2 - g1), within(EPS));
    }

    @Test
    void grayscaleUsesItuR601Weights() {
        float[] p = two();
        ColorOps.grayscale(p, 2);
        assertThat(p[0]).isCloseTo(0.299f * 0.2f + 0.587f * 0.4f + 0.114f * 0.6f, within(EPS));
        assertThat(p[2]).isEqualTo(p[0]);
        assertThat(p[4]).isEqualTo(p[0]);
    }

    @Test
    void hueRotatesPrimariesAroundTheColourWheel() {
        // red -> green at 1/3 turn, -> blue at 2/3 (-1/3), -> cyan at 1/2
        float[] p = {1f, 0f, 0f};
        ColorOps.hue(p, 1, 1f / 3);
        assertThat(p).containsExactly(new float[] {0f, 1f, 0f}, within(1e-5f));
        p = new float[] {1f, 0f, 0f};
        ColorOps.hue(p, 1, -1f / 3);
        assertThat(p).containsExactly(new float[] {0f, 0f, 1f}, within(1e-5f));
        p = new float[] {0.8f, 0.2f, 0.2f};
        ColorOps.hue(p, 1, 0.5f);
        assertThat(p).containsExactly(new float[] {0.2f, 0.8f, 0.8f}, within(1e-5f));
        float[] gray = {0.3f, 0.3f, 0.3f};
        ColorOps.hue(gray, 1, 0.25f);
        assertThat(gray).containsExactly(0.3f, 0.3f, 0.3f);
    }

    @Test
    void hueShiftsRoundTripAndKeepValueAndSaturation() {
        Rng rng = new Rng(5);
        int n = 500;
        float[] p = new float[3 * n];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) rng.nextDouble();
        }
        float[] orig = p.clone();
        ColorOps.hue(p, n, 0.37f);
        for (int i = 0; i < n; i++) {
            float max0 = Math.max(orig[i], Math.max(orig[n + i], orig[2 * n + i]));
            float min0 = Math.min(orig[i], Math.min(orig[n + i], orig[2 * n + i]));
            float max1 = Math.max(p[i], Math.max(p[n + i], p[2 * n + i]));
            float min1 = Math.min(p[i], Math.min(p[n + i], p[2 * n + i]));
            assertThat(max1).isCloseTo(max0, within(1e-5f));
            assertThat(min1).isCloseTo(min0, within(1e-5f));
        }
        ColorOps.hue(p, n, -0.37f);
        assertThat(p).containsExactly(orig, within(1e-4f));
    }
}
