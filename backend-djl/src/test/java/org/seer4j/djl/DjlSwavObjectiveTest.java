package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.SwavObjective;
import org.seer4j.core.swav.SinkhornKnopp;
import org.seer4j.core.swav.SwappedPredictionLoss;
import org.seer4j.core.tensor.Tensor;

/** The engine's Sinkhorn and swapped-prediction loss against the core's double-precision reference. */
class DjlSwavObjectiveTest {
    private static final double TOL = 1e-5;
    private final SwavObjective objective = new DjlEngine().objective();

    @Test
    void sinkhornCodesEqualTheReference() {
        Random r = new Random(11);
        Tensor scores = cosineScores(r, 8, 20);
        assertClose(objective.codes(scores, null, 0.05, 3), SinkhornKnopp.codes(scores, null, 0.05, 3), TOL);
    }

    @Test
    void sinkhornCodesWithQueueScoresEqualTheReference() {
        Random r = new Random(12);
        Tensor scores = cosineScores(r, 6, 15);
        Tensor queue = cosineScores(r, 30, 15);
        Tensor engine = objective.codes(scores, queue, 0.03, 10);
        assertThat(engine.shape()).containsExactly(6, 15);
        assertClose(engine, SinkhornKnopp.codes(scores, queue, 0.03, 10), TOL);
    }

    @Test
    void lossAndItsGradientsWithRespectToTheScoresEqualTheReference() {
        Random r = new Random(13);
        List<Tensor> crops = new ArrayList<>();
        for (int c = 0; c < 5; c++) crops.add(cosineScores(r, 8, 20));
        List<Integer> assign = List.of(0, 1);
        LossAndGradients engine = objective.loss(crops, assign, 0.1, 0.05, 3);
        SwappedPredictionLoss.Result ref = SwappedPredictionLoss.compute(crops, assign, 0.1, 0.05, 3);
        assertThat(engine.loss()).isCloseTo(ref.loss(), within(TOL * Math.max(1, Math.abs(ref.loss()))));
        for (int c = 0; c < crops.size(); c++) {
            Tensor g = engine.gradients().get(DjlSwavObjective.gradientName(c));
            assertClose(g, ref.gradients()[c], TOL);
        }
    }

    @Test
    void aSingleAssigningCropGetsNoGradientThroughItsOwnCodes() {
        Random r = new Random(14);
        List<Tensor> crops = List.of(cosineScores(r, 4, 10), cosineScores(r, 4, 10), cosineScores(r, 4, 10));
        LossAndGradients engine = objective.loss(crops, List.of(2), 0.1, 0.05, 3);
        SwappedPredictionLoss.Result ref = SwappedPredictionLoss.compute(crops, List.of(2), 0.1, 0.05, 3);
        assertClose(engine.gradients().get(DjlSwavObjective.gradientName(2)), ref.gradients()[2], TOL);
        assertThat(engine.loss()).isCloseTo(ref.loss(), within(TOL));
    }

    /** Scores as the model makes them: dot products of unit vectors (so in [-1, 1]). */
    static Tensor cosineScores(Random r, int rows, int k) {
        int d = 6;
        double[][] protos = unitRows(r, k, d);
        double[][] z = unitRows(r, rows, d);
        float[] v = new float[rows * k];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int t = 0; t < d; t++) s += z[i][t] * protos[j][t];
                v[i * k + j] = (float) s;
            }
        }
        return Tensor.of(v, rows, k);
    }

    private static double[][] unitRows(Random r, int n, int d) {
        double[][] out = new double[n][d];
        for (double[] row : out) {
            double norm = 0;
            for (int t = 0; t < d; t++) {
                row[t] = r.nextGaussian();
                norm += row[t] * row[t];
            }
            for (int t = 0; t < d; t++) row[t] /= Math.sqrt(norm);
        }
        return out;
    }

    static void assertClose(Tensor actual, Tensor expected, double tol) {
        assertThat(actual.shape()).containsExactly(expected.shape());
        for (int i = 0; i < actual.size(); i++) {
            assertThat((double) actual.get(i)).as("element %d", i).isCloseTo(expected.get(i), within(tol));
        }
    }

    static void assertClose(Tensor actual, double[][] expected, double tol) {
        int k = expected[0].length;
        assertThat(actual.shape()).containsExactly(expected.length, k);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < k; j++) {
                assertThat((double) actual.get(i * k + j)).as("[%d, %d]", i, j).isCloseTo(expected[i][j], within(tol));
            }
        }
    }
}
