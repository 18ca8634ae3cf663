package org.seer4j.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.views.CropGroup;

class ConfigOverridesTest {
    private static final String FILE = """
            swav:
              epsilon: 0.05
              prototypes: 3000
            train:
              steps: 1000
              batch_size: 64
            views:
              crops:
                - {count: 2, size: 224, min_scale: 0.14, max_scale: 1.0}
                - {count: 6, size: 96, min_scale: 0.05, max_scale: 0.14}
              assign_crops: [0, 1]
            """;

    private static RunConfig load(String... overrides) {
        return ConfigLoader.fromYaml(FILE, "cfg.yaml", List.of(overrides));
    }

    @Test
    void overridesReplaceTheFilesValues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, FILE);
        RunConfig c = ConfigLoader.load(file, List.of("train.steps=200", "swav.epsilon=0.03", "views.assign_crops=[0,1]"));
        assertThat(c.train().steps()).isEqualTo(200);
        assertThat(c.swav().epsilon()).isEqualTo(0.03);
        assertThat(c.views().assignCrops()).containsExactly(0, 1);
        // untouched keys of the same sections keep the file's values
        assertThat(c.swav().prototypes()).isEqualTo(3000);
        assertThat(c.train().batchSize()).isEqualTo(64);
    }

    @Test
    void theLastOverrideOfAKeyWins() {
        assertThat(load("train.steps=5", "train.steps=7").train().steps()).isEqualTo(7);
    }

    @Test
    void anOverrideCanAddASectionAndAKeyTheFileLeftOut() {
        RunConfig c = load("optim.name=sgd", "swav.sinkhorn_iterations=10");
        assertThat(c.optim().name()).isEqualTo("sgd");
        assertThat(c.swav().sinkhornIterations()).isEqualTo(10);
    }

    @Test
    void anOverrideReachesIntoOneCropGroup() {
        RunConfig c = load("views.crops[1].size=64", "views.crops[1].count=4");
        assertThat(c.views().crops()).containsExactly(new CropGroup(2, 224, 0.14, 1.0), new CropGroup(4, 64, 0.05, 0.14));
    }

    @Test
    void anOverrideCanReplaceAWholeListWithFlowYaml() {
        RunConfig c = load("views.crops=[{count: 2, size: 32, min_scale: 0.3, max_scale: 1}]", "views.assign_crops=[1, 0]");
        assertThat(c.views().crops()).containsExactly(new CropGroup(2, 32, 0.3, 1.0));
        assertThat(c.views().assignCrops()).containsExactly(1, 0);
    }

    @Test
    void anOverrideCanReplaceOneListItem() {
        assertThat(load("views.assign_crops[1]=3").views().assignCrops()).containsExactly(0, 3);
    }

    @Test
    void anOverrideValueIsReadAsYaml() {
        RunConfig c = load("model.head_batch_norm=false", "optim.weight_decay=1e-5", "data.source=folder",
                "data.path=/mnt/images with spaces", "model.head_dims=[8192, 8192, 256]");
        assertThat(c.model().headBatchNorm()).isFalse();
        assertThat(c.optim().weightDecay()).isEqualTo(0.00001);
        assertThat(c.data().path()).isEqualTo("/mnt/images with spaces");
        assertThat(c.model().headDims()).containsExactly(8192, 8192, 256);
    }

    @Test
    void anEmptyOverrideValueMeansNull() {
        RunConfig c = load("output.dir=runs/x", "output.dir=");
        assertThat(c.output().dir()).isNull();
    }

    @Test
    void overridesWorkWithoutAFile() {
        RunConfig c = ConfigLoader.defaults(List.of("train.steps=3"));
        assertThat(c.train().steps()).isEqualTo(3);
        assertThat(c.swav()).isEqualTo(RunConfig.defaults().swav());
    }
}
