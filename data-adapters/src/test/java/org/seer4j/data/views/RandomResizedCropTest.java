package org.seer4j.data.views;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.seer4j.data.random.Rng;

class RandomResizedCropTest {

    @Test
    void cropsStayInsideTheImageWithinTheScaleRangeAndAspectLimitsUpToRounding() {
        Rng sizes = new Rng(11);
        double[][] ranges = {{0.14, 1.0}, {0.05, 0.14}, {0.08, 1.0}, {1.0, 1.0}};
        int fallbacks = 0;
        for (int i = 0; i < 20000; i++) {
            int width = sizes.intBetween(1, 600);
            int height = sizes.intBetween(1, 600);
            double[] r = ranges[i % ranges.length];
            CropBox b = RandomResizedCrop.sample(new Rng(i), width, height, r[0], r[1]);
            assertThat(b.top()).isBetween(0, height - b.height());
            assertThat(b.left()).isBetween(0, width - b.width());
            assertThat(b.width()).isBetween(1, width);
            assertThat(b.height()).isBetween(1, height);
            if (b.fallback()) {
                fallbacks++;
                continue;
            }
            // sides are rounded from a real rectangle (w', h') with |w - w'|, |h - h'| <= 1/2
            double area = (double) width * height;
            double w = b.width();
            double h = b.height();
            assertThat((w - 0.5) * (h - 0.5)).isLessThanOrEqualTo(r[1] * area + 1e-9);
            assertThat((w + 0.5) * (h + 0.5)).isGreaterThanOrEqualTo(r[0] * area - 1e-9);
            assertThat((w - 0.5) / (h + 0.5)).isLessThanOrEqualTo(4.0 / 3.0 + 1e-9);
            assertThat((w + 0.5) / (h - 0.5)).isGreaterThanOrEqualTo(3.0 / 4.0 - 1e-9);
        }
        // random sides make many images too elongated for scale-1 crops; most draws still test the property
        assertThat(20000 - fallbacks).isGreaterThan(10000);
    }

    @Test
    void aWideImageThatNoRandomTryFitsFallsBackToTheCentreCropAtTheMaximumRatio() {
        // 100x10 with scale >= 0.9 needs 900 pixels but a 4/3 crop at most 10 high holds 130
        CropBox b = RandomResizedCrop.sample(new Rng(1), 100, 10, 0.9, 1.0);
        assertThat(b).isEqualTo(new CropBox(0, 43, 10, 13, true));
        // a tall one: width 10, height round(10 / (3/4)) = 13, centred vertically at (100 - 13) / 2 = 43
        assertThat(RandomResizedCrop.sample(new Rng(1), 10, 100, 0.9, 1.0)).isEqualTo(new CropBox(43, 0, 13, 10, true));
        // an image within the ratio limits falls back to itself
        CropBox whole = RandomResizedCrop.sample(new Rng(2), 1, 1, 0.05, 0.1);
        assertThat(whole).isEqualTo(new CropBox(0, 0, 1, 1, true));
    }

    @Test
    void areaFractionsSpreadOverTheWholeScaleRange() {
        double lo = 1;
        double hi = 0;
        for (int i = 0; i < 2000; i++) {
            CropBox b = RandomResizedCrop.sample(new Rng(i), 400, 400, 0.14, 1.0);
            double f = (double) b.width() * b.height() / (400 * 400);
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
        }
        assertThat(lo).isLessThan(0.16);
        assertThat(hi).isGreaterThan(0.85);
    }
}
