package org.seer4j.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EvalMathTest {

    /** Three Gaussian blobs (sd 0.3) around far-apart centres in 5 dimensions. */
    private static FeatureSet blobs(int perClass, long seed) {
        double[][] centres = {{4, 0, 0, 1, 0}, {0, 4, 0, 0, 1}, {0, 0, 4, 1, 1}};
        Random r = new Random(seed);
        int n = perClass * 3;
        float[] x = new float[n * 5];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 5; j++) {
                x[i * 5 + j] = (float) (centres[y[i]][j] + 0.3 * r.nextGaussian());
            }
        }
        return new FeatureSet(x, n, 5, y);
    }

    @Test
    void separableClustersAreClassifiedPerfectlyByBothProtocols() {
        FeatureSet train = blobs(100, 1);
        FeatureSet test = blobs(50, 2);
        assertThat(new LinearProbe(100, LinearProbe.DEFAULT_L2).accuracy(train, test)).isEqualTo(1.0);
        assertThat(new KnnClassifier(20, 0.07).accuracy(train, test)).isEqualTo(1.0);
    }

    @Test
    void theLogisticGradientMatchesCentralFiniteDifferences() {
        FeatureSet data = blobs(7, 3);
        SoftmaxObjective f = new SoftmaxObjective(data, 3, 0.05);
        double[] w = new double[f.parameterCount()];
        Random r = new Random(4);
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.3 * r.nextGaussian();
        }
        double[] g = new double[w.length];
        f.valueAndGradient(w, g);
        double h = 1e-6;
        double[] scratch = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            double keep = w[i];
            w[i] = keep + h;
            double up = f.valueAndGradient(w, scratch);
            w[i] = keep - h;
            double down = f.valueAndGradient(w, scratch);
            w[i] = keep;
            assertThat(g[i]).as("d/dw[%d]", i).isCloseTo((up - down) / (2 * h), within(1e-7));
        }
    }

    @Test
    void theObjectiveAtZeroWeightsIsLogOfTheClassCount() {
        FeatureSet data = blobs(5, 5);
        double[] w = new double[new SoftmaxObjective(data, 3, 0.1).parameterCount()];
        assertThat(new SoftmaxObjective(data, 3, 0.1).valueAndGradient(w, new double[w.length]))
                .isCloseTo(Math.log(3), within(1e-12));
    }

    /**
     * Two classes N(-1, 1) and N(+1, 1) with equal priors: the Bayes rule sign(x) is right with probability
     * Phi(1) = 0.8413, and the true log-odds are 2x, i.e. 2 sqrt(2) z on features standardised by the pooled
     * sd sqrt(2). Logistic regression is well specified here, so it must recover both.
     */
    @Test
    void onTwoUnitGaussiansTheProbeRecoversTheBayesAccuracyAndLogOdds() {
        Random r = new Random(11);
        int n = 20000;
        FeatureSet train = gaussians(n, r);
        FeatureSet test = gaussians(n, r);
        LinearProbe.Fit fit = new LinearProbe(100, 1e-6).fit(train);
        double slope = fit.weight(1, 0) - fit.weight(0, 0);
        assertThat(slope).isCloseTo(2 * Math.sqrt(2), within(0.1));
        double bias = fit.weight(1, 1) - fit.weight(0, 1);
        assertThat(bias).isCloseTo(0, within(0.05));
        double phiOf1 = 0.8413447460685429;
        assertThat(Accuracy.top1(fit.predict(test), test.labels())).isCloseTo(phiOf1, within(0.01));
    }

    private static FeatureSet gaussians(int n, Random r) {
        float[] x = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            x[i] = (float) ((y[i] == 1 ? 1 : -1) + r.nextGaussian());
        }
        return new FeatureSet(x, n, 1, y);
    }

    @Test
    void knnVotesAreTheTemperedSimilaritiesOfTheKNearestRows() {
        // Training rows and their angles to the query (1, 0): 0.1 rad (class 0), 0.4 and 0.45 rad (class 1),
        // 1.2 rad (class 0, too far for k = 3). Lengths differ on purpose: only directions count.
        FeatureSet train = new FeatureSet(new float[] {
                (float) (2 * Math.cos(0.1)), (float) (2 * Math.sin(0.1)),
                (float) Math.cos(0.4), (float) -Math.sin(0.4),
                (float) (5 * Math.cos(0.45)), (float) (5 * Math.sin(0.45)),
                (float) Math.cos(1.2), (float) Math.sin(1.2)}, 4, 2, new int[] {0, 1, 1, 0});
        FeatureSet query = new FeatureSet(new float[] {3, 0}, 1, 2, new int[] {0});
        double[] sharp = new KnnClassifier(3, 0.07).votes(train, query, 0);
        assertThat(sharp[0]).isCloseTo(Math.exp(Math.cos(0.1) / 0.07), within(1e-4 * sharp[0]));
        assertThat(sharp[1]).isCloseTo(Math.exp(Math.cos(0.4) / 0.07) + Math.exp(Math.cos(0.45) / 0.07),
                within(1e-4 * sharp[1]));
        // At T = 0.07 the single close neighbour outvotes the two farther ones...
        assertThat(new KnnClassifier(3, 0.07).predict(train, query)).containsExactly(0);
        // ...while a high temperature makes the vote a head count.
        assertThat(new KnnClassifier(3, 100).predict(train, query)).containsExactly(1);
        // With k = 4 the far class-0 row joins: exp(cos 1.2 / T) more for class 0.
        double[] four = new KnnClassifier(4, 1).votes(train, query, 0);
        assertThat(four[0]).isCloseTo(Math.exp(Math.cos(0.1)) + Math.exp(Math.cos(1.2)), within(1e-5));
    }

    @Test
    void standardisationUsesTrainingStatisticsOnly() {
        FeatureSet train = new FeatureSet(new float[] {1, 10, 3, 10, 5, 10}, 3, 2, new int[] {0, 1, 0});
        Standardizer st = Standardizer.fit(train);
        assertThat(st.mean(0)).isEqualTo(3.0);
        assertThat(st.std(0)).isCloseTo(Math.sqrt(8.0 / 3), within(1e-12));
        FeatureSet test = st.apply(new FeatureSet(new float[] {7, 12}, 1, 2, new int[] {1}));
        assertThat(test.get(0, 0)).isCloseTo((float) (4 / Math.sqrt(8.0 / 3)), within(1e-6f));
        // A constant training feature is only centred.
        assertThat(test.get(0, 1)).isEqualTo(2f);
    }

    @Test
    void badInputIsRefusedWithAMessage() {
        assertThatThrownBy(() -> new FeatureSet(new float[5], 2, 3, new int[2]))
                .hasMessageContaining("2 x 3 features need 6 values");
        assertThatThrownBy(() -> new FeatureSet(new float[2], 1, 2, new int[] {-1}))
                .hasMessageContaining("row 0 has no label");
        assertThatThrownBy(() -> new KnnClassifier(0, 0.07)).hasMessageContaining("k must be >= 1");
        assertThatThrownBy(() -> Accuracy.top1(new int[] {1}, new int[] {1, 2})).hasMessageContaining("1 predictions for 2 labels");
    }
}
