package org.seer4j.core.swav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.seer4j.core.tensor.Tensor;

class SwappedPredictionLossTest {

    private static final double T = 0.1;
    private static final double EPS = 0.05;

    @Test
    void uniformScoresGiveALossOfLnKAndNoGradient() {
        int k = 7;
        double[][][] scores = new double[4][][];
        for (int c = 0; c < scores.length; c++) {
            scores[c] = SinkhornKnoppTest.filled(5, k, 0.3);
        }
        SwappedPredictionLoss.Result r = SwappedPredictionLoss.compute(scores, List.of(0, 1), T, EPS, 3, null);
        assertThat(r.loss()).isCloseTo(Math.log(k), within(1e-12));
        for (double[][] crop : r.gradients()) {
            for (double[] row : crop) {
                for (double g : row) {
                    assertThat(g).isCloseTo(0.0, within(1e-12));
                }
            }
        }
    }

    @Test
    void oneSampleTwoPrototypesMatchesTheHandComputation() {
        // One sample gets codes [1/2, 1/2]; crop 1 at T = 1/2 has p = softmax([2, 0]) = [e^2, 1] / (e^2 + 1), so
        // loss = -(ln p0 + ln p1) / 2 = ln(1 + e^2) - 1 and d loss / d s1 = (p - q) / T.
        double[][][] scores = {{{0.3, -0.2}}, {{1, 0}}};
        SwappedPredictionLoss.Result r = SwappedPredictionLoss.compute(scores, List.of(0), 0.5, EPS, 3, null);
        double e2 = Math.exp(2);
        double p0 = e2 / (e2 + 1);
        assertThat(r.loss()).isCloseTo(Math.log(1 + e2) - 1, within(1e-12));
        assertThat(r.codes()[0][0]).containsExactly(new double[] {0.5, 0.5}, within(1e-12));
        assertThat(r.gradients()[1][0]).containsExactly(new double[] {(p0 - 0.5) / 0.5, (0.5 - p0) / 0.5}, within(1e-12));
        assertThat(r.gradients()[0][0]).containsExactly(0.0, 0.0);
    }

    @Test
    void twoSamplesTwoPrototypesMatchesTheHandComputation() {
        // Codes of crop 0 after one Sinkhorn iteration at epsilon 1 (see SinkhornKnoppTest):
        // q0 = [2x, 1] / (2x + 1), q1 = [2(1-x), 1] / (3 - 2x), x = e / (e + 1).
        // Crop 1 with scores [T ln 3, 0] and [0, 0] predicts p0 = [3/4, 1/4], p1 = [1/2, 1/2].
        double x = Math.E / (Math.E + 1);
        double[] q0 = {2 * x / (2 * x + 1), 1 / (2 * x + 1)};
        double[] q1 = {2 * (1 - x) / (3 - 2 * x), 1 / (3 - 2 * x)};
        double[][][] scores = {{{1, 0}, {0, 0}}, {{T * Math.log(3), 0}, {0, 0}}};
        SwappedPredictionLoss.Result r = SwappedPredictionLoss.compute(scores, List.of(0), T, 1.0, 1, null);
        double expected = -0.5 * (q0[0] * Math.log(0.75) + q0[1] * Math.log(0.25) + Math.log(0.5));
        assertThat(r.loss()).isCloseTo(expected, within(1e-12));
        double scale = 1 / (2 * T);
        assertThat(r.gradients()[1][0]).containsExactly(
                new double[] {scale * (0.75 - q0[0]), scale * (0.25 - q0[1])}, within(1e-12));
        assertThat(r.gradients()[1][1]).containsExactly(
                new double[] {scale * (0.5 - q1[0]), scale * (0.5 - q1[1])}, within(1e-12));
    }

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of(2, List.of(0), false),
                Arguments.of(2, List.of(0, 1), false),
                Arguments.of(4, List.of(0, 1), false),
                Arguments.of(3, List.of(2, 0), false),
                Arguments.of(3, List.of(1), true),
                Arguments.of(4, List.of(0, 1), true));
    }

    @ParameterizedTest(name = "{0} crops assigning {1}, queue {2}")
    @MethodSource("configurations")
    void gradientsMatchCentralFiniteDifferencesOfTheLossWithCodesHeldConstant(int crops, List<Integer> assign,
                                                                              boolean queue) {
        int b = 3;
        int k = 5;
        double[][][] scores = randomCrops(crops, b, k, 11L * crops + assign.size());
        double[][][] queues = queue ? queues(assign.size(), 6, k) : null;
        SwappedPredictionLoss.Result r = SwappedPredictionLoss.compute(scores, assign, T, EPS, 3, queues);

        // The reference formula, evaluated independently with the returned codes, gives the same loss ...
        assertThat(r.loss()).isCloseTo(lossWithFixedCodes(scores, assign, r.codes()), within(1e-12));
        // ... and its central differences give the analytic gradient of every crop.
        double h = 1e-6;
        for (int v = 0; v < crops; v++) {
            for (int row = 0; row < b; row++) {
                for (int j = 0; j < k; j++) {
                    double saved = scores[v][row][j];
                    scores[v][row][j] = saved + h;
                    double up = lossWithFixedCodes(scores, assign, r.codes());
                    scores[v][row][j] = saved - h;
                    double down = lossWithFixedCodes(scores, assign, r.codes());
                    scores[v][row][j] = saved;
                    assertThat(r.gradients()[v][row][j]).as("crop %d row %d prototype %d", v, row, j)
                            .isCloseTo((up - down) / (2 * h), within(1e-7));
                }
            }
        }
    }

    @Test
    void forCropsThatAssignNothingTheGradientIsTheDerivativeOfTheWholeComputation() {
        // Non-assigning crops do not enter Sinkhorn, so differencing compute() itself is a fully independent check.
        double[][][] scores = randomCrops(4, 3, 5, 99);
        List<Integer> assign = List.of(0, 1);
        SwappedPredictionLoss.Result r = SwappedPredictionLoss.compute(scores, assign, T, EPS, 3, null);
        double h = 1e-6;
        for (int v = 2; v < 4; v++) {
            for (int row = 0; row < 3; row++) {
                for (int j = 0; j < 5; j++) {
                    double saved = scores[v][row][j];
                    scores[v][row][j] = saved + h;
                    double up = SwappedPredictionLoss.compute(scores, assign, T, EPS, 3, null).loss();
                    scores[v][row][j] = saved - h;
                    double down = SwappedPredictionLoss.compute(scores, assign, T, EPS, 3, null).loss();
                    scores[v][row][j] = saved;
                    assertThat(r.gradients()[v][row][j]).isCloseTo((up - down) / (2 * h), within(1e-7));
                }
            }
        }
    }

    @Test
    void everyGradientRowSumsToZero() {
        double[][][] scores = randomCrops(6, 4, 9, 5);
        SwappedPredictionLoss.Result r = SwappedPredictionLoss.compute(scores, List.of(0, 1), T, EPS, 3,
                queues(2, 8, 9));
        for (double[][] crop : r.gradients()) {
            for (double[] row : crop) {
                assertThat(SinkhornKnoppTest.sum(row)).isCloseTo(0.0, within(1e-12));
            }
        }
    }

    @Test
    void theReturnedCodesAreSinkhornOfEachAssigningCropWithItsQueue() {
        double[][][] scores = randomCrops(3, 4, 6, 21);
        double[][][] queues = {queues(1, 8, 6)[0], null};
        SwappedPredictionLoss.Result r = SwappedPredictionLoss.compute(scores, List.of(2, 0), T, EPS, 3, queues);
        assertThat(r.codes()).hasDimensions(2, 4);
        assertThat(Matrices.maxAbsDifference(r.codes()[0], SinkhornKnopp.codes(scores[2], queues[0], EPS, 3)))
                .isZero();
        assertThat(Matrices.maxAbsDifference(r.codes()[1], SinkhornKnopp.codes(scores[0], EPS, 3))).isZero();
        double withoutQueue = SwappedPredictionLoss.compute(scores, List.of(2, 0), T, EPS, 3, null).loss();
        assertThat(r.loss()).isNotCloseTo(withoutQueue, within(1e-6));
    }

    @Test
    void theTensorOverloadAgreesWithTheDoubleOne() {
        double[][][] scores = randomCrops(3, 4, 6, 31);
        List<Tensor> tensors = Stream.of(scores).map(Matrices::toTensor).toList();
        double[][][] rounded = Matrices.toMatrices(tensors);
        SwappedPredictionLoss.Result fromTensors = SwappedPredictionLoss.compute(tensors, List.of(0, 1), T, EPS, 3);
        SwappedPredictionLoss.Result fromArrays = SwappedPredictionLoss.compute(rounded, List.of(0, 1), T, EPS, 3,
                null);
        assertThat(fromTensors.loss()).isEqualTo(fromArrays.loss());
    }

    @Test
    void badInputIsRejectedWithAMessageNamingTheProblem() {
        double[][][] two = randomCrops(2, 3, 4, 1);
        assertThatThrownBy(() -> SwappedPredictionLoss.compute(new double[][][] {two[0]}, List.of(0), T, EPS, 3, null))
                .hasMessageContaining("at least 2 crops");
        assertThatThrownBy(() -> SwappedPredictionLoss.compute(two, List.of(0, 0), T, EPS, 3, null))
                .hasMessageContaining("names crop 0 twice");
        assertThatThrownBy(() -> SwappedPredictionLoss.compute(two, List.of(2), T, EPS, 3, null))
                .hasMessageContaining("assignCrops holds 2");
        assertThatThrownBy(() -> SwappedPredictionLoss.compute(two, List.of(), T, EPS, 3, null))
                .hasMessageContaining("at least one crop");
        assertThatThrownBy(() -> SwappedPredictionLoss.compute(two, List.of(0), 0, EPS, 3, null))
                .hasMessageContaining("temperature");
        assertThatThrownBy(() -> SwappedPredictionLoss.compute(two, List.of(0), T, EPS, 3, new double[2][][]))
                .hasMessageContaining("one entry per assigning crop (1)");
        double[][][] ragged = {two[0], java.util.Arrays.copyOf(two[1], 2)};
        assertThatThrownBy(() -> SwappedPredictionLoss.compute(ragged, List.of(0), T, EPS, 3, null))
                .hasMessageContaining("crop 1 has 2 rows but crop 0 has 3");
    }

    /** The SwAV loss written out directly from its definition, for codes given from outside. */
    private static double lossWithFixedCodes(double[][][] scores, List<Integer> assign, double[][][] codes) {
        int crops = scores.length;
        double total = 0;
        for (int i = 0; i < assign.size(); i++) {
            double perAssign = 0;
            for (int v = 0; v < crops; v++) {
                if (v == assign.get(i)) {
                    continue;
                }
                double batchMean = 0;
                for (int row = 0; row < scores[v].length; row++) {
                    double[] s = scores[v][row];
                    double lse = 0;
                    for (double value : s) {
                        lse += Math.exp(value / T);
                    }
                    lse = Math.log(lse);
                    for (int j = 0; j < s.length; j++) {
                        batchMean -= codes[i][row][j] * (s[j] / T - lse);
                    }
                }
                perAssign += batchMean / scores[v].length;
            }
            total += perAssign / (crops - 1);
        }
        return total / assign.size();
    }

    private static double[][][] randomCrops(int crops, int b, int k, long seed) {
        double[][][] s = new double[crops][][];
        for (int c = 0; c < crops; c++) {
            s[c] = SinkhornKnoppTest.random(b, k, seed * 100 + c);
        }
        return s;
    }

    private static double[][][] queues(int count, int rows, int k) {
        double[][][] q = new double[count][][];
        for (int i = 0; i < count; i++) {
            q[i] = SinkhornKnoppTest.random(rows, k, 7000 + i);
        }
        return q;
    }
}
