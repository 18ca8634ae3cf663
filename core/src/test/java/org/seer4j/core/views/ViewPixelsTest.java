package org.seer4j.core.views;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.image.RgbImage;

class ViewPixelsTest {

    @Test
    void deNormalisingAViewNormalisedAsThePipelinesDoGivesBackEveryPixel() {
        List<Double> mean = List.of(0.485, 0.456, 0.406);
        List<Double> std = List.of(0.229, 0.224, 0.225);
        int size = 5;
        byte[] rgb = new byte[size * size * 3];
        new Random(3).nextBytes(rgb);
        rgb[0] = 0;
        rgb[1] = (byte) 255;
        // CHW, (p / 255 - mean) / std in float, as CropAugmenter and EvalImages write it; after 2 unrelated values
        float[] chw = new float[2 + 3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < size * size; i++) {
                float p = (rgb[i * 3 + c] & 0xff) / 255f;
                chw[2 + c * size * size + i] = (float) ((p - mean.get(c)) * (1 / std.get(c)));
            }
        }
        RgbImage back = ViewPixels.toImage(chw, 2, size, mean, std);
        assertThat(back.width()).isEqualTo(size);
        assertThat(back.height()).isEqualTo(size);
        assertThat(back.pixels()).containsExactly(rgb);
    }

    @Test
    void valuesOutsideTheDisplayableRangeAreClamped() {
        // mean 0.5, std 0.25: x = 3 is 1.25 (above white), x = -3 is -0.25 (below black), x = 0 is 127.5 -> 128
        float[] chw = {3, -3, 0, 3, -3, 0, 3, -3, 0};
        RgbImage img = ViewPixels.toImage(chw, 0, 1, List.of(0.5, 0.5, 0.5), List.of(0.25, 0.25, 0.25));
        assertThat(img.red(0, 0)).isEqualTo(255);
        assertThat(img.green(0, 0)).isEqualTo(0);
        assertThat(img.blue(0, 0)).isEqualTo(128);
    }
}
