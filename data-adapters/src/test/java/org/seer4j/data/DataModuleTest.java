package org.seer4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.config.DataConfig;
import org.seer4j.core.config.OutputConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.config.TrainConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.port.MetricsSink;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.TensorFile;
import org.seer4j.core.views.CropGroup;
import org.seer4j.data.safetensors.SafetensorsFile;

class DataModuleTest {
    @TempDir
    Path dir;

    @Test
    void bindsSafetensorsAsTheTensorFileAndTheAdapterFactory() {
        Injector injector = Guice.createInjector(new DataModule());
        assertThat(injector.getInstance(TensorFile.class)).isInstanceOf(SafetensorsFile.class);
        assertThat(injector.getInstance(DataAdapters.class)).isSameAs(injector.getInstance(DataAdapters.class));
    }

    @Test
    void theDefaultConfigGivesMultiCropBatchesOfTheBundledSample() {
        RunConfig d = RunConfig.defaults();
        ViewsConfig small = new ViewsConfig(List.of(new CropGroup(2, 24, 0.14, 1), new CropGroup(2, 12, 0.05, 0.14)),
                List.of(0, 1), d.views().augmentation());
        RunConfig c = new RunConfig(d.model(), small, d.swav(), d.optim(), new TrainConfig(8, 1, 0, 0, 10, 100, 3),
                DataConfig.defaults(), d.backend(), d.eval(), d.output());
        DataAdapters a = new DataAdapters();
        ImageSource src = a.imageSource(c.data());
        assertThat(src.describe()).contains("4000 images 28x28");
        try (BatchStream s = a.batches(c, src).open(0, 0)) {
            MultiCropBatch b = s.next();
            assertThat(b.groups().get(0).shape()).containsExactly(16, 3, 24, 24);
            assertThat(b.groups().get(1).shape()).containsExactly(16, 3, 12, 12);
        }
    }

    @Test
    void theSampleHasASeparateTestSplitAndAFolderHasNone() {
        DataAdapters a = new DataAdapters();
        assertThat(a.testSource(DataConfig.defaults()).orElseThrow().describe()).contains("1000 images");
        assertThat(a.testSource(new DataConfig("folder", dir.toString(), null, true, 1))).isEmpty();
    }

    @Test
    void metricsGoToTheConfiguredFiles() throws IOException {
        try (MetricsSink m = new DataAdapters().metrics(new OutputConfig(null, List.of("jsonl", "csv"), false), dir)) {
            m.record(new MetricsRecord(1, 0, 1, 1, 1, Map.of()));
        }
        assertThat(Files.exists(dir.resolve("metrics.jsonl"))).isTrue();
        assertThat(Files.exists(dir.resolve("metrics.csv"))).isTrue();
    }
}
