package org.seer4j.data.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.seer4j.core.image.RgbImage;

class CenterCropTest {

    @Test
    void theShorterSideIsResizedAndTheLongerTruncatedAsTorchvisionDoes() {
        assertThat(CenterCrop.resizedSize(500, 375, 256)).containsExactly(341, 256); // 256 * 500 / 375 = 341.3
        assertThat(CenterCrop.resizedSize(375, 500, 256)).containsExactly(256, 341);
        assertThat(CenterCrop.resizedSize(30, 30, 8)).containsExactly(8, 8);
    }

    @Test
    void atTheSameSizeItCutsTheCentreAndNormalises() {
        // 6x4 image, red = 10 * x + y; resize 4 keeps it, crop 2 takes x 2..3, y 1..2
        byte[] px = new byte[6 * 4 * 3];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                px[(y * 6 + x) * 3] = (byte) (10 * x + y);
            }
        }
        CenterCrop cc = new CenterCrop(4, 2, List.of(0.0, 0.0, 0.0), List.of(1.0 / 255, 1.0, 1.0));
        float[] out = new float[12];
        cc.apply(new RgbImage(6, 4, px), out, 0);
        assertThat(out[0]).isCloseTo(21f, within(1e-3f));
        assertThat(out[1]).isCloseTo(31f, within(1e-3f));
        assertThat(out[2]).isCloseTo(22f, within(1e-3f));
        assertThat(out[3]).isCloseTo(32f, within(1e-3f));
    }

    @Test
    void aUniformImageGivesItsNormalisedValueEverywhere() {
        byte[] px = new byte[50 * 40 * 3];
        java.util.Arrays.fill(px, (byte) 51);
        CenterCrop cc = new CenterCrop(32, 28, List.of(0.5, 0.5, 0.5), List.of(0.25, 0.25, 0.25));
        float[] out = new float[3 * 28 * 28];
        cc.apply(new RgbImage(50, 40, px), out, 0);
        for (float v : out) {
            assertThat(v).isCloseTo((0.2f - 0.5f) / 0.25f, within(1e-4f));
        }
    }
}
