package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seer4j.core.model.InitialWeights;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;

/** Weights and training state move between the engine and readers in chunks smaller than any tensor. */
class ChunkedTransferTest {
    private static final int DEFAULT = NativeChunks.chunkValues;

    @AfterEach
    void restore() {
        NativeChunks.chunkValues = DEFAULT;
    }

    @Test
    void openingFromTheSeededReaderInSmallChunksGivesTheGeneratedWeights() {
        NativeChunks.chunkValues = 7;
        var def = TinyNets.swav(true, true, 10);
        var settings = TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 2);
        Map<String, Tensor> want = InitialWeights.generate(def, settings.seed());
        try (var model = (DjlSwavModel) new DjlEngine().open(def, settings)) {
            Map<String, Tensor> got = model.weights();
            assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
            for (String name : want.keySet()) assertThat(got.get(name)).as(name).isEqualTo(want.get(name));
        }
    }

    @Test
    void theWeightsReaderGivesTheWeightsAtAnyOffsetAndChunkSize() {
        var settings = TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 2);
        try (DjlSwavModel model = TinyNets.open(TinyNets.swav(true, true, 10), settings, DataType.FLOAT32, 5)) {
            Map<String, Tensor> want = model.weights();
            TensorReader reader = model.weightsReader();
            assertThat(reader.tensors().stream().map(TensorInfo::name).toList())
                    .containsExactlyElementsOf(want.keySet());
            for (TensorInfo t : reader.tensors()) {
                float[] expected = want.get(t.name()).toArray();
                float[] got = new float[expected.length];
                FloatBuffer chunk = FloatBuffer.allocate(5);
                for (int offset = 0; offset < got.length; offset += 5) {
                    int n = Math.min(5, got.length - offset);
                    chunk.clear().limit(n);
                    reader.read(t.name(), offset, chunk);
                    chunk.flip().get(got, offset, n);
                }
                assertThat(got).as(t.name()).containsExactly(expected);
            }
            assertThatThrownBy(() -> reader.read("stem.0.weight", want.get("stem.0.weight").size() - 1,
                    FloatBuffer.allocate(2))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void weightsAndTrainingStateStreamedInSmallChunksResumeTheRunExactly() {
        NativeChunks.chunkValues = 11;
        var def = TinyNets.swav(true, true, 10);
        var settings = TinyNets.settings(TinyNets.lars(0.2), new org.seer4j.core.config.SwavConfig(10, 0.1, 0.05, 3,
                4, 0, 0), 2);
        try (DjlSwavModel original = TinyNets.open(def, settings, DataType.FLOAT32, 61);
             DjlSwavModel resumed = TinyNets.open(def, settings, DataType.FLOAT32, 62)) {
            for (int s = 0; s < 3; s++) original.step(TinyNets.batch(2, s), new StepPlan(s, 0.2, false, s >= 2));
            resumed.loadWeights(original.weightsReader());
            resumed.loadTrainingState(original.trainingStateReader());
            Map<String, Tensor> state = new LinkedHashMap<>(original.trainingState());
            assertThat(resumed.trainingState()).containsOnlyKeys(state.keySet());
            for (String k : state.keySet()) assertThat(resumed.trainingState().get(k)).as(k).isEqualTo(state.get(k));
            for (int s = 3; s < 5; s++) {
                StepPlan plan = new StepPlan(s, 0.2, false, true);
                assertThat(resumed.step(TinyNets.batch(2, s), plan).loss())
                        .isEqualTo(original.step(TinyNets.batch(2, s), plan).loss());
            }
            Map<String, Tensor> a = original.weights();
            Map<String, Tensor> b = resumed.weights();
            for (String name : a.keySet()) assertThat(b.get(name)).as(name).isEqualTo(a.get(name));
        }
    }
}
