package org.seer4j.core.swav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.tensor.Tensor;

class SinkhornKnoppTest {

    private static final double TIGHT = 1e-12;

    @Test
    void uniformScoresGiveUniformCodesOfOneOverK() {
        double[][] scores = filled(3, 4, 0.7);
        for (int iterations : new int[] {1, 3, 10}) {
            double[][] codes = SinkhornKnopp.codes(scores, 0.05, iterations);
            for (double[] row : codes) {
                for (double v : row) {
                    assertThat(v).isCloseTo(0.25, within(TIGHT));
                }
            }
        }
    }

    @Test
    void oneIterationOnTwoByTwoMatchesTheHandComputation() {
        // exp(scores / 1) = [[e, 1], [1, 1]]; with x = e / (e + 1) the prototype step gives
        // sample 0: [x/2, 1/4], sample 1: [(1-x)/2, 1/4]; the sample step then normalises each row to sum 1.
        double x = Math.E / (Math.E + 1);
        double[][] codes = SinkhornKnopp.codes(new double[][] {{1, 0}, {0, 0}}, 1.0, 1);
        assertThat(codes[0][0]).isCloseTo(2 * x / (2 * x + 1), within(TIGHT));
        assertThat(codes[0][1]).isCloseTo(1 / (2 * x + 1), within(TIGHT));
        assertThat(codes[1][0]).isCloseTo(2 * (1 - x) / (3 - 2 * x), within(TIGHT));
        assertThat(codes[1][1]).isCloseTo(1 / (3 - 2 * x), within(TIGHT));
    }

    @Test
    void manyIterationsOnTwoByTwoConvergeToTheDoublyStochasticLimit() {
        // The limit P has unit rows and columns and keeps the cross ratio P00 P11 / (P01 P10) = e of
        // exp(scores), so P = [[p, 1-p], [1-p, p]] with p / (1 - p) = sqrt(e).
        double p = Math.sqrt(Math.E) / (1 + Math.sqrt(Math.E));
        double[][] codes = SinkhornKnopp.codes(new double[][] {{1, 0}, {0, 0}}, 1.0, 200);
        assertThat(codes[0][0]).isCloseTo(p, within(TIGHT));
        assertThat(codes[0][1]).isCloseTo(1 - p, within(TIGHT));
        assertThat(codes[1][0]).isCloseTo(1 - p, within(TIGHT));
        assertThat(codes[1][1]).isCloseTo(p, within(TIGHT));
    }

    @Test
    void everySamplesCodesSumToOneAfterAnyNumberOfIterations() {
        double[][] scores = random(8, 5, 1);
        for (int iterations : new int[] {1, 2, 3, 10}) {
            for (double[] row : SinkhornKnopp.codes(scores, 0.05, iterations)) {
                assertThat(sum(row)).isCloseTo(1.0, within(TIGHT));
                for (double v : row) {
                    assertThat(v).isBetween(0.0, 1.0);
                }
            }
        }
    }

    @Test
    void prototypeMarginalsApproachBatchOverKAsIterationsGrow() {
        int b = 12;
        int k = 4;
        double[][] scores = random(b, k, 2);
        double afterOne = marginalError(SinkhornKnopp.codes(scores, 0.5, 1), b / (double) k);
        double afterTen = marginalError(SinkhornKnopp.codes(scores, 0.5, 10), b / (double) k);
        double afterMany = marginalError(SinkhornKnopp.codes(scores, 0.5, 500), b / (double) k);
        assertThat(afterTen).isLessThan(afterOne);
        assertThat(afterMany).isLessThan(1e-9);
    }

    @Test
    void hugeScoresStayFiniteThanksToTheMaximumSubtraction() {
        double eps = 0.05;
        double[][] huge = {{1e4 * eps, 1e4 * eps - 1}, {1e4 * eps - 0.5, 1e4 * eps}};
        double[][] shifted = {{1, 0}, {0.5, 1}};
        double[][] codes = SinkhornKnopp.codes(huge, eps, 3);
        for (double[] row : codes) {
            for (double v : row) {
                assertThat(v).isFinite();
            }
        }
        // Sinkhorn is invariant to adding one constant to every score.
        assertThat(Matrices.maxAbsDifference(codes, SinkhornKnopp.codes(shifted, eps, 3))).isLessThan(1e-9);
    }

    @Test
    void aPrototypeWhoseExponentialsAllUnderflowGetsAnEvenShareInsteadOfNaN() {
        // exp gives [[1, 0], [1, 0]]: prototype 1 sums to 0, gets 1e-12 per entry, and after its row step it holds
        // the same mass as prototype 0, so every code is 1/2.
        double[][] codes = SinkhornKnopp.codes(new double[][] {{0, -1e6}, {0, -1e6}}, 1.0, 1);
        for (double[] row : codes) {
            assertThat(row).containsExactly(new double[] {0.5, 0.5}, within(TIGHT));
        }
    }

    @Test
    void aSampleWhoseExponentialsAllUnderflowGetsAnEvenShareInsteadOfNaN() {
        double[][] scores = {{0, 0}, {-1e6, -1e6}};
        for (int iterations : new int[] {1, 3}) {
            for (double[] row : SinkhornKnopp.codes(scores, 1.0, iterations)) {
                assertThat(row).containsExactly(new double[] {0.5, 0.5}, within(TIGHT));
            }
        }
    }

    @Test
    void aQueueChangesTheBatchCodesAsTheHandComputationSays() {
        // Alone, one sample must split evenly between two prototypes; with one queued sample the pair forms
        // the 2x2 problem above whose limit gives the batch sample p = sqrt(e) / (1 + sqrt(e)).
        double[][] batch = {{1, 0}};
        double[][] queue = {{0, 0}};
        double p = Math.sqrt(Math.E) / (1 + Math.sqrt(Math.E));
        assertThat(SinkhornKnopp.codes(batch, 1.0, 200)[0]).containsExactly(new double[] {0.5, 0.5}, within(TIGHT));
        assertThat(SinkhornKnopp.codes(batch, queue, 1.0, 200)[0])
                .containsExactly(new double[] {p, 1 - p}, within(TIGHT));
    }

    @Test
    void withAQueueTheMarginalsHoldOverBatchAndQueueTogether() {
        int b = 4;
        int q = 12;
        int k = 8;
        double[][] batch = random(b, k, 3);
        double[][] queue = random(q, k, 4);
        double[][] all = new double[b + q][];
        System.arraycopy(batch, 0, all, 0, b);
        System.arraycopy(queue, 0, all, b, q);

        double[][] withQueue = SinkhornKnopp.codes(batch, queue, 0.1, 500);
        double[][] together = SinkhornKnopp.codes(all, 0.1, 500);
        double[][] withoutQueue = SinkhornKnopp.codes(batch, 0.1, 500);

        // The batch codes are the first B rows of the joint problem, whose prototypes each hold (B + Q) / K.
        assertThat(Matrices.maxAbsDifference(withQueue, java.util.Arrays.copyOf(together, b))).isLessThan(TIGHT);
        assertThat(marginalError(together, (b + q) / (double) k)).isLessThan(1e-9);
        assertThat(Matrices.maxAbsDifference(withQueue, withoutQueue)).isGreaterThan(1e-3);
    }

    @Test
    void theOrderOfTheQueueRowsDoesNotMatter() {
        double[][] batch = random(3, 5, 5);
        double[][] queue = random(6, 5, 6);
        double[][] reversed = new double[queue.length][];
        for (int i = 0; i < queue.length; i++) {
            reversed[i] = queue[queue.length - 1 - i];
        }
        assertThat(Matrices.maxAbsDifference(SinkhornKnopp.codes(batch, queue, 0.05, 3),
                SinkhornKnopp.codes(batch, reversed, 0.05, 3))).isLessThan(TIGHT);
    }

    @Test
    void theTensorOverloadAgreesWithTheDoubleOneWithinFloatRounding() {
        double[][] batch = random(4, 6, 7);
        double[][] queue = random(8, 6, 8);
        Tensor codes = SinkhornKnopp.codes(Matrices.toTensor(batch), Matrices.toTensor(queue), 0.05, 3);
        assertThat(codes.shape()).containsExactly(4, 6);
        double[][] batchF = Matrices.toMatrix(Matrices.toTensor(batch));
        double[][] queueF = Matrices.toMatrix(Matrices.toTensor(queue));
        assertThat(Matrices.maxAbsDifference(Matrices.toMatrix(codes), SinkhornKnopp.codes(batchF, queueF, 0.05, 3)))
                .isLessThan(1e-7);
    }

    @Test
    void theInputIsNotModified() {
        double[][] scores = random(3, 4, 9);
        double[][] copy = java.util.Arrays.stream(scores).map(double[]::clone).toArray(double[][]::new);
        SinkhornKnopp.codes(scores, copy, 0.05, 3);
        assertThat(scores).isDeepEqualTo(copy);
    }

    @Test
    void badInputIsRejectedWithAMessageNamingTheProblem() {
        assertThatThrownBy(() -> SinkhornKnopp.codes(new double[][] {{0, Double.NaN}}, 0.05, 3))
                .hasMessageContaining("scores[0][1] is not finite");
        assertThatThrownBy(() -> SinkhornKnopp.codes(new double[][] {{0, 1}, {2}}, 0.05, 3))
                .hasMessageContaining("scores row 1 has 1 values, expected 2");
        assertThatThrownBy(() -> SinkhornKnopp.codes(new double[][] {{0, 1}}, new double[][] {{1, 2, 3}}, 0.05, 3))
                .hasMessageContaining("queueScores row 0 has 3 values, expected 2");
        assertThatThrownBy(() -> SinkhornKnopp.codes(new double[0][], 0.05, 3))
                .hasMessageContaining("at least one row");
        assertThatThrownBy(() -> SinkhornKnopp.codes(new double[][] {{0, 1}}, 0, 3))
                .hasMessageContaining("epsilon");
        assertThatThrownBy(() -> SinkhornKnopp.codes(new double[][] {{0, 1}}, 0.05, 0))
                .hasMessageContaining("iterations must be >= 1");
    }

    static double marginalError(double[][] codes, double expected) {
        double worst = 0;
        for (int j = 0; j < codes[0].length; j++) {
            double s = 0;
            for (double[] row : codes) {
                s += row[j];
            }
            worst = Math.max(worst, Math.abs(s - expected));
        }
        return worst;
    }

    static double sum(double[] row) {
        double s = 0;
        for (double v : row) {
            s += v;
        }
        return s;
    }

    static double[][] filled(int rows, int cols, double value) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            java.util.Arrays.fill(row, value);
        }
        return m;
    }

    /** Scores like those of unit vectors: uniform in [-1, 1]. */
    static double[][] random(int rows, int cols, long seed) {
        Random random = new Random(seed);
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = 2 * random.nextDouble() - 1;
            }
        }
        return m;
    }
}
