package org.seer4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.seer4j.core.config.OptimConfig;

class OptimiserMathTest {

    private static final org.assertj.core.data.Offset<Float> FLOAT = within(1e-6f);

    @Test
    void twoSgdStepsMatchTheHandComputation() {
        // lr 0.1, momentum 0.9, weight decay 0.01.
        float[] w = {1f, -2f};
        float[] buf = new float[2];
        Sgd.step(w, new float[] {0.5f, 1f}, buf, 0.1, 0.9, 0.01);
        // d = [0.51, 0.98] becomes the buffer; w = [1 - 0.051, -2 - 0.098]
        assertThat(buf).containsExactly(new float[] {0.51f, 0.98f}, FLOAT);
        assertThat(w).containsExactly(new float[] {0.949f, -2.098f}, FLOAT);
        Sgd.step(w, new float[] {-1f, 0.25f}, buf, 0.1, 0.9, 0.01);
        // d = [-1 + 0.00949, 0.25 - 0.02098]; buf = 0.9 [0.51, 0.98] + d = [-0.53151, 1.11102]
        assertThat(buf).containsExactly(new float[] {-0.53151f, 1.11102f}, FLOAT);
        assertThat(w).containsExactly(new float[] {1.002151f, -2.209102f}, FLOAT);
    }

    @Test
    void larcLocalLearningRateMatchesTheHandComputationInBothModes() {
        // ||w|| = 2, ||g|| = 0.5, trust 0.001, wd 0.1: local = 0.002 / (0.5 + 0.2 + 1e-8)
        double local = 0.002 / 0.70000001;
        assertThat(Lars.localLr(2, 0.5, 0.001, 0.1)).isCloseTo(local, within(1e-18));
        assertThat(Lars.gradientFactor(2, 0.5, 0.01, 0.001, 0.1, false)).isCloseTo(local, within(1e-18));
        assertThat(Lars.gradientFactor(2, 0.5, 0.01, 0.001, 0.1, true)).isCloseTo(local / 0.01, within(1e-15));
        assertThat(Lars.gradientFactor(2, 0.5, 0.001, 0.001, 0.1, true)).isEqualTo(1.0);
        assertThat(Lars.gradientFactor(2, 0.5, 0.0, 0.001, 0.1, true)).isEqualTo(1.0);
    }

    @Test
    void aLarcStepScalesTheDecayedGradientInScaleMode() {
        // w = [3, 4] (norm 5), g = [0, 0.5] (norm 0.5), trust 0.02, wd 0.1: local = 0.1 / (0.5 + 0.5 + 1e-8);
        // d = (g + 0.1 w) * local = [0.3, 0.9] * local; w -= 0.1 d.
        double local = 0.1 / 1.00000001;
        float[] w = {3f, 4f};
        float[] buf = new float[2];
        Lars.step(w, new float[] {0f, 0.5f}, buf, 0.1, 0.9, 0.1, 0.02, false);
        assertThat(buf).containsExactly(new float[] {(float) (0.3 * local), (float) (0.9 * local)}, FLOAT);
        assertThat(w).containsExactly(new float[] {(float) (3 - 0.03 * local), (float) (4 - 0.09 * local)}, FLOAT);
    }

    @Test
    void inClipModeTheEffectiveRateIsTheSmallerOfLocalAndGlobal() {
        // Same tensors: local = 0.1 / 1.00000001. At lr 0.05 the global rate is smaller (factor 1);
        // at lr 0.5 the local one is (factor local / 0.5, so lr * factor = local).
        float[] w = {3f, 4f};
        Lars.step(w, new float[] {0f, 0.5f}, new float[2], 0.05, 0.9, 0.1, 0.02, true);
        assertThat(w).containsExactly(new float[] {3f - 0.015f, 4f - 0.045f}, FLOAT);
        double local = 0.1 / 1.00000001;
        float[] w2 = {3f, 4f};
        Lars.step(w2, new float[] {0f, 0.5f}, new float[2], 0.5, 0.9, 0.1, 0.02, true);
        assertThat(w2).containsExactly(new float[] {(float) (3 - 0.3 * local), (float) (4 - 0.9 * local)}, FLOAT);
    }

    @Test
    void aZeroWeightTensorGetsTheRawGradientWithoutScalingOrDecay() {
        float[] w = {0f, 0f};
        float[] buf = new float[2];
        Lars.step(w, new float[] {1f, 2f}, buf, 0.1, 0.9, 0.1, 0.001, false);
        assertThat(w).containsExactly(new float[] {-0.1f, -0.2f}, FLOAT);
        assertThat(Lars.gradientFactor(0, 1, 0.1, 0.001, 0.1, false)).isNaN();
    }

    @Test
    void aZeroGradientTensorIsNotDecayedButItsMomentumStillMovesIt() {
        float[] w = {3f, 4f};
        float[] buf = {1f, -1f};
        Lars.step(w, new float[] {0f, 0f}, buf, 0.1, 0.9, 0.1, 0.001, false);
        // buf = 0.9 * [1, -1]; w -= 0.1 * buf; no 0.1 * w decay term.
        assertThat(buf).containsExactly(new float[] {0.9f, -0.9f}, FLOAT);
        assertThat(w).containsExactly(new float[] {2.91f, 4.09f}, FLOAT);
    }

    @Test
    void biasesAndNormParametersGetPlainMomentumSgdWhenExcludedFromLarc() {
        OptimConfig excluding = new OptimConfig("lars", 0.9, 0.1, 0.3, 256, 0, 0, 0, 0.001, false, true);
        float[] bias = {3f, 4f};
        ParameterUpdate.apply("head.0.bias", bias, new float[] {0f, 0.5f}, new float[2], excluding, 0.1, true);
        assertThat(bias).containsExactly(new float[] {3f, 3.95f}, FLOAT);

        OptimConfig including = new OptimConfig("lars", 0.9, 0.1, 0.3, 256, 0, 0, 0, 0.02, false, false);
        float[] alsoBias = {3f, 4f};
        ParameterUpdate.apply("head.0.bias", alsoBias, new float[] {0f, 0.5f}, new float[2], including, 0.1, true);
        double local = 0.1 / 1.00000001;
        assertThat(alsoBias).containsExactly(new float[] {(float) (3 - 0.03 * local), (float) (4 - 0.09 * local)},
                FLOAT);
    }

    @Test
    void weightsAreScaledByLarcWhateverTheExclusionSetting() {
        OptimConfig excluding = new OptimConfig("lars", 0.9, 0.1, 0.3, 256, 0, 0, 0, 0.02, false, true);
        float[] weight = {3f, 4f};
        ParameterUpdate.apply("head.0.weight", weight, new float[] {0f, 0.5f}, new float[2], excluding, 0.1, false);
        double local = 0.1 / 1.00000001;
        assertThat(weight).containsExactly(new float[] {(float) (3 - 0.03 * local), (float) (4 - 0.09 * local)},
                FLOAT);
    }

    @Test
    void plainSgdDecaysEveryTensorBiasesIncluded() {
        OptimConfig sgd = new OptimConfig("sgd", 0.9, 0.1, 0.3, 256, 0, 0, 0, 0.001, false, true);
        float[] bias = {3f, 4f};
        ParameterUpdate.apply("fc.bias", bias, new float[] {0f, 0.5f}, new float[2], sgd, 0.1, true);
        // d = [0.3, 0.9]
        assertThat(bias).containsExactly(new float[] {2.97f, 3.91f}, FLOAT);
    }

    @Test
    void rankOneTensorsAreBiasesOrNormParameters() {
        assertThat(ParameterUpdate.isBiasOrNorm(new int[] {32})).isTrue();
        assertThat(ParameterUpdate.isBiasOrNorm(new int[] {3000, 128})).isFalse();
        assertThat(ParameterUpdate.isBiasOrNorm(new int[] {32, 3, 3, 3})).isFalse();
    }

    @Test
    void mismatchedLengthsAreRejectedNamingTheTensor() {
        OptimConfig sgd = OptimConfig.defaults();
        assertThatThrownBy(() -> ParameterUpdate.apply("stem.0.weight", new float[3], new float[2], new float[3], sgd,
                0.1, false)).hasMessageContaining("stem.0.weight").hasMessageContaining("gradient (2)");
        assertThatThrownBy(() -> ParameterUpdate.apply("fc.bias", new float[1], new float[1], new float[1], sgd,
                Double.NaN, true)).hasMessageContaining("learning rate for fc.bias");
    }
}
