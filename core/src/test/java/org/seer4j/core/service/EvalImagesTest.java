package org.seer4j.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.seer4j.core.image.RgbImage;
import org.seer4j.core.views.Augmentation;

class EvalImagesTest {
    private static final Augmentation UNIT = new Augmentation(0.5, 1, 0.8, 0.2, 0.5, 0.1, 2,
            List.of(0.5, 0.25, 0.0), List.of(0.5, 0.5, 1.0));

    @Test
    void anImageOfTheTargetSizeIsOnlyScaledAndNormalisedChannelByChannel() {
        byte[] px = {(byte) 255, 0, (byte) 51, 0, (byte) 255, (byte) 102, 0, 0, 0, (byte) 255, (byte) 255, (byte) 255};
        float[] out = new float[12];
        new EvalImages(2, UNIT).write(new RgbImage(2, 2, px), out, 0);
        // CHW: red plane (x - 0.5) / 0.5, green (x - 0.25) / 0.5, blue x / 1.
        assertThat(out).containsExactly(new float[] {1, -1, -1, 1, -0.5f, 1.5f, -0.5f, 1.5f, 0.2f, 0.4f, 0, 1},
                within(1e-6f));
    }

    @Test
    void aWideImageIsCentreCroppedToASquareThenBilinearlyResized() {
        // 4x2 gray image with columns 0, 40, 80, 120: the centre square keeps columns 40 and 80; resizing it to
        // 4x4 samples source x = (x + 0.5) / 2 - 0.5 clamped to [0, 1]: 0, 0.25, 0.75, 1.
        byte[] px = new byte[4 * 2 * 3];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                for (int c = 0; c < 3; c++) {
                    px[(y * 4 + x) * 3 + c] = (byte) (40 * x);
                }
            }
        }
        float[] out = new float[3 * 16 + 5];
        Augmentation none = new Augmentation(0.5, 1, 0.8, 0.2, 0.5, 0.1, 2, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0));
        new EvalImages(4, none).write(new RgbImage(4, 2, px), out, 5);
        double[] expectedRow = {40, 50, 70, 80};
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    assertThat(out[5 + c * 16 + y * 4 + x]).isCloseTo((float) (expectedRow[x] / 255), within(1e-6f));
                }
            }
        }
    }
}
