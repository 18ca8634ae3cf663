package org.seer4j.data.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GaussianBlurTest {

    @Test
    void theKernelIsTheNormalisedSampledGaussianOverThreeSigma() {
        float[] k = GaussianBlur.kernel(1.0, 100);
        assertThat(k).hasSize(7);
        double z = 0;
        for (int i = -3; i <= 3; i++) {
            z += Math.exp(-0.5 * i * i);
        }
        for (int i = -3; i <= 3; i++) {
            assertThat((double) k[i + 3]).isCloseTo(Math.exp(-0.5 * i * i) / z, within(1e-7));
        }
        assertThat(GaussianBlur.kernel(0.3, 100)).hasSize(3);
        assertThat(GaussianBlur.kernel(2.0, 4)).hasSize(9);
    }

    @Test
    void anImpulseBlursIntoTheKernelsOuterProductAndReflectsAtTheBorder() {
        int s = 9;
        float[] px = new float[3 * s * s];
        px[4 * s + 4] = 1f; // red impulse at the centre
        px[s * s] = 1f; // green impulse at the corner (0, 0)
        new GaussianBlur().blur(px, s, s, 0.8);
        float[] k = GaussianBlur.kernel(0.8, 8); // radius 3
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int dy = y - 4;
                int dx = x - 4;
                double expected = Math.abs(dx) <= 3 && Math.abs(dy) <= 3 ? (double) k[dx + 3] * k[dy + 3] : 0;
                assertThat((double) px[y * s + x]).isCloseTo(expected, within(1e-6));
            }
        }
        // reflection without repeating the edge: the corner pixel sees itself once, so output (0,0) = k0 * k0,
        // and output (1, 0) sees the impulse at offset -1 directly and never via reflection
        assertThat((double) px[s * s]).isCloseTo((double) k[3] * k[3], within(1e-6));
        assertThat((double) px[s * s + 1]).isCloseTo((double) k[2] * k[3], within(1e-6));
        // the corner impulse reaches outputs 0..3 of each axis once each (reflection never maps onto index 0),
        // so its mass is the kernel's half including the centre, squared
        double sum = 0;
        for (int i = 0; i < s * s; i++) {
            sum += px[s * s + i];
        }
        double half = 0;
        for (int t = 0; t <= 3; t++) {
            half += k[3 + t];
        }
        assertThat(sum).isCloseTo(half * half, within(1e-5));
    }

    @Test
    void aUniformImageIsUnchanged() {
        float[] px = new float[3 * 16];
        java.util.Arrays.fill(px, 0.25f);
        new GaussianBlur().blur(px, 4, 4, 2.0);
        for (float v : px) {
            assertThat(v).isCloseTo(0.25f, within(1e-6f));
        }
    }
}
