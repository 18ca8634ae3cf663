package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.tensor.Tensor;

/**
 * A training step moves BN running statistics as torch does: new = 0.9 old + 0.1 batch, unbiased batch variance,
 * once per crop resolution in crop-group order. Checked on the stem, whose input statistics are computed here by
 * an independent direct convolution.
 */
class BatchNormStatisticsTest {

    @Test
    void runningStatisticsFollowTorchsMomentumOncePerCropGroup() {
        var settings = TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 2);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(false, true, 10), settings, DataType.FLOAT32, 81)) {
            Map<String, Tensor> before = model.weights();
            MultiCropBatch batch = TinyNets.batch(2, 82);
            model.step(batch, new StepPlan(0, 0.0, true, false));
            Map<String, Tensor> after = model.weights();
            Tensor w = before.get("stem.0.weight");
            int channels = w.dim(0);
            double[] mean = toDouble(before.get("stem.1.running_mean"));
            double[] var = toDouble(before.get("stem.1.running_var"));
            for (Tensor group : batch.groups()) {
                double[][] moments = channelMoments(group, w);
                for (int c = 0; c < channels; c++) {
                    mean[c] = 0.9 * mean[c] + 0.1 * moments[0][c];
                    var[c] = 0.9 * var[c] + 0.1 * moments[1][c];
                }
            }
            for (int c = 0; c < channels; c++) {
                assertThat((double) after.get("stem.1.running_mean").get(c)).isCloseTo(mean[c], within(1e-5));
                assertThat((double) after.get("stem.1.running_var").get(c)).isCloseTo(var[c], within(1e-4 * var[c]));
            }
        }
    }

    /** Per output channel: mean and unbiased variance of a 3x3, stride 1, pad 1 convolution over N, H, W. */
    private static double[][] channelMoments(Tensor x, Tensor w) {
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3), cout = w.dim(0);
        double[][] out = new double[2][cout];
        long count = (long) n * h * wd;
        for (int o = 0; o < cout; o++) {
            double sum = 0, sq = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < wd; j++) {
                        double acc = 0;
                        for (int c = 0; c < cin; c++) {
                            for (int di = -1; di <= 1; di++) {
                                for (int dj = -1; dj <= 1; dj++) {
                                    int y = i + di, z = j + dj;
                                    if (y < 0 || z < 0 || y >= h || z >= wd) continue;
                                    acc += x.get(((b * cin + c) * h + y) * wd + z)
                                            * w.get(((o * cin + c) * 3 + di + 1) * 3 + dj + 1);
                                }
                            }
                        }
                        sum += acc;
                        sq += acc * acc;
                    }
                }
            }
            out[0][o] = sum / count;
            out[1][o] = (sq - sum * sum / count) / (count - 1);
        }
        return out;
    }

    private static double[] toDouble(Tensor t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) d[i] = t.get(i);
        return d;
    }
}
