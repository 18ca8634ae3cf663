package org.seer4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;

import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorChunks;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;

class InitialWeightsTest {
    // Widths [40, 96, 248], depths [1, 2, 1] (stem 32): generated in milliseconds.
    private static final RegNetPlan PLAN = RegNetGenerator.plan(RegNetSpec.y(4, 40, 40, 2.5, 8));
    private static final ModelDefinition MODEL =
            new ModelDefinition(PLAN, 2, new HeadSpec(PLAN.outWidth(), List.of(512, 128), true), 3000, 0);

    @Test
    void everyTensorOfTheLayoutIsThereInOrderWithItsShape() {
        LinkedHashMap<String, Tensor> w = InitialWeights.generate(MODEL, 1);
        List<ParameterSpec> layout = ParameterLayout.of(MODEL);

        assertThat(w.keySet()).containsExactlyElementsOf(layout.stream().map(ParameterSpec::name).toList());
        for (ParameterSpec p : layout) assertThat(w.get(p.name()).shape()).isEqualTo(p.shape());
    }

    @Test
    void convolutionsHaveStdSqrtTwoOverFanOut() {
        String name = PLAN.blocks().get(PLAN.blocks().size() - 1).prefix() + ".f.c.0.weight";
        Tensor t = InitialWeights.generate(MODEL, 42).get(name);
        // [248, 248, 1, 1]: fan_out = 1 * 1 * 248. The sample std of n normals is within 3 / sqrt(2n) relative.
        double std = Math.sqrt(2.0 / 248);
        assertThat(t.shape()).containsExactly(248, 248, 1, 1);
        assertThat(std(t)).isCloseTo(std, within(std * 3 / Math.sqrt(2.0 * t.size())));
        assertThat(mean(t)).isCloseTo(0, within(4 * std / Math.sqrt(t.size())));
    }

    @Test
    void groupedConvolutionsCountOnlyOutputChannelsAndKernelInFanOut() {
        Tensor t = InitialWeights.generate(MODEL, 3).get("trunk_output.block2.block2-0.f.b.0.weight");
        double std = Math.sqrt(2.0 / (9 * 96)); // [96, 8, 3, 3]
        assertThat(std(t)).isCloseTo(std, within(std * 4 / Math.sqrt(2.0 * t.size())));
    }

    @Test
    void prototypesAndLinearWeightsHaveStdOneHundredth() {
        LinkedHashMap<String, Tensor> w = InitialWeights.generate(MODEL, 5);
        for (String name : List.of("prototypes.weight", "head.0.weight")) {
            Tensor t = w.get(name);
            assertThat(std(t)).as(name).isCloseTo(0.01, within(0.01 * 3 / Math.sqrt(2.0 * t.size())));
        }
    }

    @Test
    void samplesAreGaussianNotMerelyScaled() {
        Tensor t = InitialWeights.generate(MODEL, 9).get("prototypes.weight"); // 384,000 draws
        double inside = 0;
        for (int i = 0; i < t.size(); i++) if (Math.abs(t.get(i)) < 0.01) inside++;
        // P(|Z| < 1) = 0.6827; binomial std error about 0.00075 here.
        assertThat(inside / t.size()).isCloseTo(0.6827, within(0.004));
    }

    @Test
    void normsBiasesAndRunningStatisticsStartAtTheirIdentity() {
        LinkedHashMap<String, Tensor> w = InitialWeights.generate(MODEL, 11);
        assertThat(w.get("stem.1.weight").toArray()).containsOnly(1f);
        assertThat(w.get("stem.1.bias").toArray()).containsOnly(0f);
        assertThat(w.get("stem.1.running_mean").toArray()).containsOnly(0f);
        assertThat(w.get("stem.1.running_var").toArray()).containsOnly(1f);
        assertThat(w.get("trunk_output.block1.block1-0.f.se.fc1.bias").toArray()).containsOnly(0f);
        assertThat(w.get("head.0.bias").toArray()).containsOnly(0f);
        assertThat(w.get("head.1.weight").toArray()).containsOnly(1f);
    }

    @Test
    void theSameSeedGivesTheSameWeightsWhateverElseTheModelHas() {
        LinkedHashMap<String, Tensor> withHead = InitialWeights.generate(MODEL, 123);
        LinkedHashMap<String, Tensor> trunkOnly = InitialWeights.generate(ModelDefinition.trunkOnly(PLAN, 2, 10), 123);

        assertThat(InitialWeights.generate(MODEL, 123)).isEqualTo(withHead);
        trunkOnly.forEach((name, t) -> {
            if (!name.startsWith("fc.")) assertThat(withHead.get(name)).as(name).isEqualTo(t);
        });
    }

    @Test
    void anotherSeedOrAnotherNameGivesOtherWeights() {
        LinkedHashMap<String, Tensor> a = InitialWeights.generate(MODEL, 1);
        LinkedHashMap<String, Tensor> b = InitialWeights.generate(MODEL, 2);

        assertThat(a.get("stem.0.weight")).isNotEqualTo(b.get("stem.0.weight"));
        assertThat(a.get("prototypes.weight")).isNotEqualTo(b.get("prototypes.weight"));
        assertThat(a.get("stem.1.weight")).isEqualTo(b.get("stem.1.weight"));
        // Two same-shaped tensors of one model must not share a stream.
        assertThat(a.get("trunk_output.block2.block2-0.f.c.0.weight").toArray())
                .isNotEqualTo(a.get("trunk_output.block2.block2-1.f.c.0.weight").toArray());
    }

    @Test
    void theStreamIsSplitMix64SeededWithTheFnv1aHashOfTheName() {
        // Published test vectors: FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c; SplitMix64 from state 0 first gives
        // 0xe220a8397b1dcdaf. Seeding with the hash of "" itself cancels the name and starts from state 0.
        assertThat(GaussianStream.fnv1a64("a")).isEqualTo(0xaf63dc4c8601ec8cL);
        assertThat(new GaussianStream(GaussianStream.fnv1a64(""), "").nextLong()).isEqualTo(0xe220a8397b1dcdafL);
    }

    @Test
    void theChunkedReaderGivesGeneratesValuesInChunksOfSevenAtAnyOffset() {
        LinkedHashMap<String, Tensor> whole = InitialWeights.generate(MODEL, 77);
        TensorReader reader = InitialWeights.reader(MODEL, 77);

        assertThat(reader.tensors()).extracting(TensorInfo::name).containsExactlyElementsOf(whole.keySet());
        FloatBuffer chunk = FloatBuffer.allocate(7);
        for (TensorInfo t : reader.tensors()) {
            assertThat(t.intShape()).isEqualTo(whole.get(t.name()).shape());
            float[] joined = new float[(int) t.size()];
            TensorChunks.forEach(reader, t, chunk, (offset, c) -> c.get(joined, (int) offset, c.remaining()));
            assertThat(joined).as(t.name()).isEqualTo(whole.get(t.name()).toArray());
        }
    }

    @Test
    void theStreamJumpsToAnyIndexWithoutWalking() {
        GaussianStream walked = new GaussianStream(5, "x");
        double[] first = new double[11];
        for (int i = 0; i < first.length; i++) first[i] = walked.next();
        for (int i = 0; i < first.length; i++) assertThat(GaussianStream.at(5, "x", i).next()).isEqualTo(first[i]);
        // an odd start continues with the pair's second value, then a fresh pair
        GaussianStream odd = GaussianStream.at(5, "x", 3);
        assertThat(new double[] {odd.next(), odd.next(), odd.next()}).containsExactly(first[3], first[4], first[5]);
    }

    @Test
    void aReadOutsideATensorIsRefusedNamingIt() {
        TensorReader reader = InitialWeights.reader(MODEL, 1);
        assertThatThrownBy(() -> reader.read("stem.1.weight", 30, FloatBuffer.allocate(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stem.1.weight");
        assertThatThrownBy(() -> reader.read("nope", 0, FloatBuffer.allocate(1)))
                .hasMessageContaining("nope");
    }

    private static double mean(Tensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) s += t.get(i);
        return s / t.size();
    }

    private static double std(Tensor t) {
        double m = mean(t), s = 0;
        for (int i = 0; i < t.size(); i++) s += (t.get(i) - m) * (t.get(i) - m);
        return Math.sqrt(s / t.size());
    }
}
