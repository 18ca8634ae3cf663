package org.seer4j.core.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.seer4j.core.image.RgbImage;

class TrainCropsTest {
    private static final TrainCrops CROPS = new TrainCrops(8, 0.08, List.of(0.5, 0.5, 0.5), List.of(0.25, 0.25, 0.25));

    @Test
    void boxesLieInTheImageWithTorchvisionsAreaAndAspectRangesAndHalfAreFlipped() {
        SplittableRandom r = new SplittableRandom(3);
        int flips = 0;
        for (int i = 0; i < 2000; i++) {
            TrainCrops.Box b = CROPS.box(60, 40, r);
            assertThat(b.x()).isBetween(0, 60 - b.width());
            assertThat(b.y()).isBetween(0, 40 - b.height());
            double area = (double) b.width() * b.height() / (60 * 40);
            double ratio = (double) b.width() / b.height();
            // rounding w and h to pixels moves area and ratio a little outside the drawn ranges
            assertThat(area).isBetween(0.08 * 0.8, 1.0);
            assertThat(ratio).isBetween(0.75 * 0.8, 4.0 / 3 * 1.25);
            if (b.flip()) flips++;
        }
        assertThat(flips / 2000.0).isCloseTo(0.5, within(0.05));
    }

    @Test
    void theViewDependsOnlyOnSeedEpochAndIdAndIsNormalised() {
        byte[] px = new byte[20 * 10 * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 37);
        RgbImage image = new RgbImage(20, 10, px);
        float[] a = new float[3 * 64];
        float[] b = new float[3 * 64 + 5];
        CROPS.write(image, "x", 1, 2, a, 0);
        CROPS.write(image, "x", 1, 2, b, 5);
        for (int i = 0; i < a.length; i++) assertThat(b[5 + i]).isEqualTo(a[i]);
        float[] other = new float[3 * 64];
        CROPS.write(image, "x", 1, 3, other, 0);
        assertThat(other).isNotEqualTo(a);
        for (float v : a) assertThat(v).isBetween(-2f, 2f); // (v - 0.5) / 0.25 for v in [0, 1]
    }

    @Test
    void aFlatImageGivesItsNormalisedValueEverywhere() {
        byte[] px = new byte[9 * 7 * 3];
        java.util.Arrays.fill(px, (byte) 191); // 191 / 255 = 0.749
        float[] out = new float[3 * 64];
        CROPS.write(new RgbImage(9, 7, px), "flat", 0, 0, out, 0);
        for (float v : out) assertThat((double) v).isCloseTo((191 / 255.0 - 0.5) / 0.25, within(1e-5));
    }
}
