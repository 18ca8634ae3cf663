package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.seer4j.core.tensor.Tensor;

/**
 * The strided 1x1 projection shortcut equals a plain-Java 1x1 convolution in both memory layouts. libtorch 2.7.1's
 * oneDNN kernel got channels-last input wrong for these channel counts (RegNetY-400MF's 48 -> 104 and 104 -> 208,
 * and the Fashion-MNIST recipe's 32 -> 72, where it was off by up to 20 on unit-variance inputs on this AVX-512
 * AMD CPU: docs/results.md).
 */
class ProjectionShortcutTest {

    @ParameterizedTest(name = "{0} -> {1} channels, {2}x{2}, stride {3}, channels-last {4}")
    @CsvSource({"48, 104, 8, 2, true", "104, 208, 6, 2, true", "32, 40, 5, 2, true", "32, 40, 2, 2, false",
            "16, 24, 4, 1, true", "32, 72, 14, 2, true"})
    void equalsAPlainConvolution(int in, int out, int side, int stride, boolean channelsLast) {
        Random r = new Random(in * 31L + out);
        float[] xs = gaussian(r, 2 * in * side * side);
        float[] ws = gaussian(r, out * in);
        int o = (side - 1) / stride + 1;
        try (PtNDManager m = (PtNDManager) NDManager.newBaseManager()) {
            Tensor image = Tensor.of(xs, 2, in, side, side);
            PtNDArray x = channelsLast ? Convert.toChannelsLast(m, image) : (PtNDArray) m.create(xs, new Shape(2, in, side, side));
            PtNDArray w = (PtNDArray) m.create(ws, new Shape(out, in, 1, 1));
            Tensor y = Convert.toTensor(Ops.strided1x1(x, w, stride, channelsLast));
            assertThat(y.shape()).containsExactly(2, out, o, o);
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < out; c++) {
                    for (int i = 0; i < o; i++) {
                        for (int j = 0; j < o; j++) {
                            double sum = 0;
                            for (int k = 0; k < in; k++) {
                                sum += (double) ws[c * in + k] * xs[((n * in + k) * side + i * stride) * side + j * stride];
                            }
                            assertThat((double) y.get(((n * out + c) * o + i) * o + j)).as("n %d c %d (%d, %d)", n, c, i, j)
                                    .isCloseTo(sum, within(1e-4 * Math.max(1, Math.abs(sum))));
                        }
                    }
                }
            }
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
