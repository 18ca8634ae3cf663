package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.model.HeadSpec;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Features;
import org.seer4j.core.tensor.Tensor;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TFloat32;

class SavedModelExportTest {

    @Test
    void anExportedTrunkServesTheSameFeaturesAndLogitsAsTheModel(@TempDir Path tmp) throws IOException {
        ModelDefinition def = new ModelDefinition(TinyNets.plan(true), 2,
                new HeadSpec(24, java.util.List.of(12, 6), true), 10, 4);
        Tensor images = TinyNets.images(new Random(4), 3, 15);
        Path dir = tmp.resolve("trunk");
        Features expected;
        try (TfSwavModel m = TinyNets.open(def, TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10, 0), 2),
                GroupedConv.NATIVE, 3)) {
            expected = m.infer(images);
            SavedModelExport.export(def, m.weights(), dir);
        }
        try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), "serve");
             TFloat32 x = TfTensors.toTf(images);
             Result r = b.function(SavedModelExport.SIGNATURE).call(Map.of(SavedModelExport.INPUT, x))) {
            Tensor pooled = TfTensors.fromTf(r.get(SavedModelExport.FEATURES).orElseThrow());
            Tensor logits = TfTensors.fromTf(r.get(SavedModelExport.LOGITS).orElseThrow());
            assertThat(pooled.shape()).containsExactly(3, 24);
            assertThat(logits.shape()).containsExactly(3, 4);
            for (int i = 0; i < pooled.size(); i++) {
                assertThat((double) pooled.get(i)).isCloseTo(expected.pooled().get(i), within(1e-5));
            }
            for (int i = 0; i < logits.size(); i++) {
                assertThat((double) logits.get(i)).isCloseTo(expected.logits().get(i), within(1e-5));
            }
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("trunk");
        }
    }

    @Test
    void anExistingFolderIsNeverOverwritten(@TempDir Path tmp) throws IOException {
        ModelDefinition def = ModelDefinition.trunkOnly(TinyNets.plan(false), 1, 0);
        Path dir = Files.createDirectory(tmp.resolve("taken"));
        assertThatThrownBy(() -> SavedModelExport.export(def, TinyNets.randomWeights(def, 1), dir))
                .isInstanceOf(IOException.class).hasMessageContaining("already exists");
    }
}
