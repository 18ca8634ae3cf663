package org.seer4j.app.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.swav.SinkhornKnopp;
import org.seer4j.core.swav.SwappedPredictionLoss;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.djl.DjlEngine;
import org.seer4j.tensorflow.TensorFlowEngine;

/** Every engine's SwAV objective equals the core's double-precision reference on the same scores, to 1e-5. */
class ObjectiveConformanceTest {

    static Stream<Engine> engines() {
        return Stream.of(new DjlEngine(), new TensorFlowEngine());
    }

    /** Cosine-like scores, rounded to float first so the reference sees exactly what the engine sees. */
    private static double[][] scores(Random r, int rows, int k) {
        double[][] s = new double[rows][k];
        for (double[] row : s) {
            for (int j = 0; j < k; j++) row[j] = (float) Math.tanh(r.nextGaussian());
        }
        return s;
    }

    private static Tensor tensor(double[][] m) {
        int k = m[0].length;
        float[] v = new float[m.length * k];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < k; j++) v[i * k + j] = (float) m[i][j];
        }
        return Tensor.of(v, m.length, k);
    }

    private static void assertClose(Tensor actual, double[][] expected, String what) {
        int k = expected[0].length;
        assertThat(actual.shape()).as(what).containsExactly(expected.length, k);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < k; j++) {
                assertThat((double) actual.get(i * k + j)).as("%s[%d, %d]", what, i, j)
                        .isCloseTo(expected[i][j], within(1e-5));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void sinkhornCodesWithAndWithoutAQueueEqualTheReference(Engine engine) {
        Random r = new Random(11);
        double[][] s = scores(r, 6, 16);
        double[][] queue = scores(r, 12, 16);
        assertClose(engine.objective().codes(tensor(s), null, 0.05, 3), SinkhornKnopp.codes(s, 0.05, 3), "codes");
        assertClose(engine.objective().codes(tensor(s), tensor(queue), 0.03, 10),
                SinkhornKnopp.codes(s, queue, 0.03, 10), "codes with queue");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void swappedPredictionLossAndScoreGradientsEqualTheReference(Engine engine) {
        Random r = new Random(12);
        int crops = 5;
        double[][][] s = new double[crops][][];
        List<Tensor> tensors = new ArrayList<>();
        for (int c = 0; c < crops; c++) {
            s[c] = scores(r, 4, 10);
            tensors.add(tensor(s[c]));
        }
        List<Integer> assign = List.of(0, 1);
        SwappedPredictionLoss.Result expected = SwappedPredictionLoss.compute(s, assign, 0.1, 0.05, 3, null);
        LossAndGradients actual = engine.objective().loss(tensors, assign, 0.1, 0.05, 3);
        assertThat(actual.loss()).isCloseTo(expected.loss(), within(1e-5));
        for (int c = 0; c < crops; c++) {
            assertClose(actual.gradients().get("scores." + c), expected.gradients()[c], "gradient of crop " + c);
        }
    }
}
