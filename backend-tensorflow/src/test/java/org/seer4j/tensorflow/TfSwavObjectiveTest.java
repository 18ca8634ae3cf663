package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.swav.SinkhornKnopp;
import org.seer4j.core.swav.SwappedPredictionLoss;
import org.seer4j.core.tensor.Tensor;

class TfSwavObjectiveTest {
    private final TfSwavObjective objective = new TfSwavObjective();

    /** Scores of unit vectors: cosines in [-1, 1], as the model produces them. */
    private static double[][] cosines(Random r, int rows, int k) {
        double[][] s = new double[rows][k];
        for (double[] row : s) {
            for (int j = 0; j < k; j++) row[j] = Math.tanh(r.nextGaussian());
        }
        return s;
    }

    private static Tensor tensor(double[][] m) {
        float[] v = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) v[i * m[0].length + j] = (float) m[i][j];
        }
        return Tensor.of(v, m.length, m[0].length);
    }

    /** The reference gets exactly the float values the engine sees. */
    private static double[][] asFed(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = new double[m[i].length];
            for (int j = 0; j < m[i].length; j++) out[i][j] = (float) m[i][j];
        }
        return out;
    }

    private static void assertClose(Tensor actual, double[][] expected, double tol) {
        int k = expected[0].length;
        assertThat(actual.shape()).containsExactly(expected.length, k);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < k; j++) {
                assertThat((double) actual.get(i * k + j)).as("[%d, %d]", i, j).isCloseTo(expected[i][j], within(tol));
            }
        }
    }

    @Test
    void sinkhornCodesEqualTheCoreReference() {
        double[][] scores = asFed(cosines(new Random(1), 6, 10));
        Tensor codes = objective.codes(tensor(scores), null, 0.05, 3);
        assertClose(codes, SinkhornKnopp.codes(scores, 0.05, 3), 1e-5);
    }

    @Test
    void sinkhornCodesWithAQueueEqualTheCoreReference() {
        Random r = new Random(2);
        double[][] scores = asFed(cosines(r, 4, 12));
        double[][] queue = asFed(cosines(r, 8, 12));
        Tensor codes = objective.codes(tensor(scores), tensor(queue), 0.03, 5);
        assertClose(codes, SinkhornKnopp.codes(scores, queue, 0.03, 5), 1e-5);
    }

    @Test
    void swappedPredictionLossAndItsGradientsEqualTheCoreReference() {
        Random r = new Random(3);
        int crops = 4;
        double[][][] scores = new double[crops][][];
        List<Tensor> tensors = new ArrayList<>();
        for (int c = 0; c < crops; c++) {
            scores[c] = asFed(cosines(r, 5, 9));
            tensors.add(tensor(scores[c]));
        }
        List<Integer> assign = List.of(0, 1);
        SwappedPredictionLoss.Result expected = SwappedPredictionLoss.compute(scores, assign, 0.1, 0.05, 3, null);

        LossAndGradients actual = objective.loss(tensors, assign, 0.1, 0.05, 3);

        assertThat(actual.loss()).isCloseTo(expected.loss(), within(1e-5));
        for (int c = 0; c < crops; c++) {
            assertClose(actual.gradients().get("scores." + c), expected.gradients()[c], 1e-5);
        }
    }

    @Test
    void aCropThatOnlyAssignsGetsNoGradient() {
        Random r = new Random(4);
        List<Tensor> tensors = List.of(tensor(cosines(r, 3, 5)), tensor(cosines(r, 3, 5)), tensor(cosines(r, 3, 5)));
        LossAndGradients actual = objective.loss(tensors, List.of(2), 0.1, 0.05, 3);
        for (int i = 0; i < 15; i++) {
            assertThat(actual.gradients().get("scores.2").get(i)).isEqualTo(0f);
        }
    }
}
