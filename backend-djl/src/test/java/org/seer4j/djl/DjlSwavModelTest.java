package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.port.Features;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.tensor.Tensor;

class DjlSwavModelTest {

    @Test
    void weightsSavedAndLoadedBackAreBitForBitTheSame() {
        var def = TinyNets.swav(true, true, 10);
        try (DjlSwavModel a = TinyNets.open(def, TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 4),
                DataType.FLOAT32, 1);
             DjlSwavModel b = TinyNets.open(def, TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 4),
                     DataType.FLOAT32, 2)) {
            a.step(TinyNets.batch(4, 3), new StepPlan(0, 0.1, false, false));
            Map<String, Tensor> saved = a.weights();
            b.loadWeights(saved);
            assertThat(b.weights()).isEqualTo(saved);
            Tensor x = TinyNets.images(new Random(5), 2, 16);
            assertThat(b.infer(x).pooled()).isEqualTo(a.infer(x).pooled());
        }
    }

    @Test
    void weightsUseTorchvisionNamesWithRunningStatisticsAndNoBatchCounter() {
        try (DjlSwavModel m = TinyNets.open(TinyNets.swav(true, true, 10),
                TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 4), DataType.FLOAT32, 1)) {
            Map<String, Tensor> w = m.weights();
            assertThat(w).containsKeys("stem.0.weight", "stem.1.running_var",
                    "trunk_output.block1.block1-0.proj.0.weight", "trunk_output.block1.block1-0.f.se.fc1.bias",
                    "trunk_output.block2.block2-1.f.c.1.running_mean", "head.0.weight", "head.1.running_mean",
                    "head.3.bias", "prototypes.weight");
            assertThat(w.keySet()).noneMatch(k -> k.contains("num_batches_tracked"));
            assertThat(w).doesNotContainKey("trunk_output.block2.block2-1.proj.0.weight");
            assertThat(w.get("trunk_output.block2.block2-0.f.b.0.weight").shape()).containsExactly(24, 8, 3, 3);
            assertThat(w.get("prototypes.weight").shape()).containsExactly(10, 6);
        }
    }

    @Test
    void loadingRefusesUnknownNamesAndWrongShapesAndChangesNothing() {
        try (DjlSwavModel m = TinyNets.open(TinyNets.swav(false, false, 10),
                TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 4), DataType.FLOAT32, 1)) {
            Map<String, Tensor> before = m.weights();
            Map<String, Tensor> bad = new HashMap<>(before);
            bad.put("stem.0.weight", Tensor.zeros(8, 3, 1, 1));
            assertThatThrownBy(() -> m.loadWeights(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'stem.0.weight' has shape [8, 3, 1, 1]")
                    .hasMessageContaining("(8, 3, 3, 3)");
            assertThatThrownBy(() -> m.loadWeights(Map.of("features.0.weight", Tensor.zeros(1))))
                    .hasMessageContaining("unknown tensor 'features.0.weight'");
            assertThat(m.weights()).isEqualTo(before);
        }
    }

    @Test
    void inferenceGivesPooledFeaturesOfTheLastStageWidth() {
        try (DjlSwavModel m = TinyNets.open(TinyNets.swav(true, false, 10),
                TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 4), DataType.FLOAT32, 1)) {
            Features f = m.infer(TinyNets.images(new Random(1), 3, 20));
            assertThat(f.pooled().shape()).containsExactly(3, 24);
            assertThat(f.hasLogits()).isFalse();
        }
    }
}
