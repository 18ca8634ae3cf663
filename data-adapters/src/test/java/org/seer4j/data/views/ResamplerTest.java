package org.seer4j.data.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.seer4j.core.image.RgbImage;

class ResamplerTest {

    /** A one-row image whose red channel is {@code reds}, green 0 and blue 255. */
    private static RgbImage row(int... reds) {
        byte[] px = new byte[reds.length * 3];
        for (int i = 0; i < reds.length; i++) {
            px[3 * i] = (byte) reds[i];
            px[3 * i + 2] = (byte) 255;
        }
        return new RgbImage(reds.length, 1, px);
    }

    private static float[] resizeRow(RgbImage img, int out, boolean flip) {
        float[] o = new float[3 * out];
        new Resampler().resize(img, new CropBox(0, 0, 1, img.width(), false), out, 1, flip, o);
        return o;
    }

    @Test
    void halvingAveragesWithPilsStretchedTriangleFilter() {
        // scale 2: output 0 is centred at 1.0 and reaches +-2 pixels; taps 0, 1, 2 weigh 0.75, 0.75, 0.25
        // (renormalised by 1.75); output 1 is centred at 3.0 with taps 1, 2, 3 weighing 0.25, 0.75, 0.75
        float[] o = resizeRow(row(0, 60, 120, 180), 2, false);
        assertThat(o[0]).isCloseTo((float) ((0.75 * 0 + 0.75 * 60 + 0.25 * 120) / 1.75 / 255), within(1e-6f));
        assertThat(o[1]).isCloseTo((float) ((0.25 * 60 + 0.75 * 120 + 0.75 * 180) / 1.75 / 255), within(1e-6f));
        assertThat(o[2]).isZero(); // green
        assertThat(o[4]).isCloseTo(1f, within(1e-6f)); // blue stays 255 everywhere
    }

    @Test
    void doublingIsBilinearWithHalfPixelCentresAndClampedEdges() {
        float[] o = resizeRow(row(0, 100), 4, false);
        assertThat(o[0]).isCloseTo(0f, within(1e-6f));
        assertThat(o[1]).isCloseTo(25f / 255, within(1e-6f));
        assertThat(o[2]).isCloseTo(75f / 255, within(1e-6f));
        assertThat(o[3]).isCloseTo(100f / 255, within(1e-6f));
        float[] f = resizeRow(row(0, 100), 4, true);
        assertThat(f[0]).isCloseTo(100f / 255, within(1e-6f));
        assertThat(f[1]).isCloseTo(75f / 255, within(1e-6f));
    }

    @Test
    void theSameSizeCopiesTheCropExactly() {
        // 3x3 image, pixel value 10 * (3y + x) in every channel; crop the lower-right 2x2
        byte[] px = new byte[27];
        for (int i = 0; i < 9; i++) {
            px[3 * i] = px[3 * i + 1] = px[3 * i + 2] = (byte) (10 * i);
        }
        RgbImage img = new RgbImage(3, 3, px);
        float[] o = new float[12];
        new Resampler().resize(img, new CropBox(1, 1, 2, 2, false), 2, 2, false, o);
        assertThat(o[0] * 255).isCloseTo(40f, within(1e-4f));
        assertThat(o[1] * 255).isCloseTo(50f, within(1e-4f));
        assertThat(o[2] * 255).isCloseTo(70f, within(1e-4f));
        assertThat(o[3] * 255).isCloseTo(80f, within(1e-4f));
        assertThat(o[8 + 3] * 255).isCloseTo(80f, within(1e-4f));
    }

    @Test
    void aUniformImageStaysUniformAtAnyScale() {
        byte[] px = new byte[37 * 23 * 3];
        java.util.Arrays.fill(px, (byte) 200);
        RgbImage img = new RgbImage(37, 23, px);
        Resampler r = new Resampler();
        for (int size : new int[] {5, 23, 64}) {
            float[] o = new float[3 * size * size];
            r.resize(img, new CropBox(2, 3, 19, 30, false), size, size, false, o);
            for (float v : o) {
                assertThat(v).isCloseTo(200f / 255, within(1e-5f));
            }
        }
    }
}
