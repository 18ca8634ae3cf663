package org.seer4j.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.model.Models;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.views.CropGroup;

/** The files under configs/ load, and the published recipes say what the papers say. */
class ExampleConfigsTest {
    /** Surefire runs in app/; the examples live at the repository root. */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path CONFIGS = ROOT.resolve("configs");

    @Test
    void everyExampleConfigLoads() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(CONFIGS)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("seer-regnet-y-256gf.yaml", "swav-imagenet.yaml");
        for (Path f : files) {
            RunConfig c = ConfigLoader.load(f);
            // and what the loader read is what the writer writes back
            assertThat(ConfigLoader.fromYaml(ConfigWriter.toYaml(c), f.toString(), List.of())).as(f.toString()).isEqualTo(c);
        }
    }

    @Test
    void theSeerConfigHoldsThePublishedHyperparameters() {
        RunConfig c = ConfigLoader.load(CONFIGS.resolve("seer-regnet-y-256gf.yaml"));
        var trunk = Models.spec(c.model());
        assertThat(List.of(trunk.depth(), trunk.w0(), trunk.groupWidth())).containsExactly(27, 640, 373);
        assertThat(trunk.wa()).isEqualTo(230.83);
        assertThat(trunk.wm()).isEqualTo(2.53);
        assertThat(trunk.seRatio()).isEqualTo(0.25);
        assertThat(trunk.rounding()).isEqualTo(Rounding.PYCLS);
        // the stage widths the SEER reference lists for this trunk
        assertThat(RegNetGenerator.plan(trunk).stages()).extracting(s -> s.width()).containsExactly(746, 1492, 4103, 10444);
        assertThat(c.model().headDims()).containsExactly(8192, 8192, 256);
        assertThat(c.model().headBatchNorm()).isFalse();
        assertThat(c.views().crops()).containsExactly(new CropGroup(2, 224, 0.14, 1.0), new CropGroup(4, 96, 0.05, 0.14));
        assertThat(c.views().assignCrops()).containsExactly(0, 1);
        assertThat(c.swav().prototypes()).isEqualTo(16000);
        assertThat(c.swav().epsilon()).isEqualTo(0.05);
        assertThat(c.swav().sinkhornIterations()).isEqualTo(10);
        assertThat(c.swav().temperature()).isEqualTo(0.1);
        assertThat(c.optim().name()).isEqualTo("lars");
        assertThat(c.optim().weightDecay()).isEqualTo(1e-5);
        assertThat(c.optim().peakLr(c.train().batchSize())).isCloseTo(9.6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(c.optim().warmupSteps()).isEqualTo(8000);
        assertThat(c.train().batchSize()).isEqualTo(8192);
        assertThat(c.train().steps()).isEqualTo(122000);
    }

    @Test
    void theOneMachineSeerConfigsHoldTheMemoryBenchmarksOfIssue12() {
        List<CropGroup> small = List.of(new CropGroup(2, 64, 0.14, 1.0), new CropGroup(4, 32, 0.05, 0.14));
        RunConfig full = ConfigLoader.load(CONFIGS.resolve("seer-256gf-one-machine.yaml"));
        assertThat(full.model().arch()).isEqualTo("seer_regnet_y_256gf");
        assertThat(full.model().headDims()).containsExactly(8192, 8192, 256);
        assertThat(full.swav().prototypes()).isEqualTo(16000);
        assertThat(full.views().crops()).isEqualTo(small);
        assertThat(full.train().batchSize()).isEqualTo(2);
        RunConfig measured = ConfigLoader.load(CONFIGS.resolve("seer-256gf-small-head.yaml"));
        assertThat(measured.model().arch()).isEqualTo("seer_regnet_y_256gf");
        assertThat(measured.model().headDims()).containsExactly(256);
        assertThat(measured.model().headBatchNorm()).isFalse();
        assertThat(measured.swav().prototypes()).isEqualTo(100);
        assertThat(measured.swav().queueLength()).isZero();
        assertThat(measured.views().crops()).isEqualTo(small);
        assertThat(measured.train().batchSize()).isEqualTo(2);
        assertThat(measured.train().steps()).isEqualTo(2);
        assertThat(measured.optim().name()).isEqualTo("sgd");
        assertThat(measured.optim().momentum()).isEqualTo(0.9);
        assertThat(measured.data().source()).isEqualTo("sample");
    }

    @Test
    void theSwavConfigHoldsTheImageNetRecipe() {
        RunConfig c = ConfigLoader.load(CONFIGS.resolve("swav-imagenet.yaml"));
        assertThat(c.views().crops()).containsExactly(new CropGroup(2, 224, 0.14, 1.0), new CropGroup(6, 96, 0.05, 0.14));
        assertThat(c.model().headDims()).containsExactly(2048, 128);
        assertThat(c.model().headBatchNorm()).isTrue();
        assertThat(c.swav().prototypes()).isEqualTo(3000);
        assertThat(c.swav().sinkhornIterations()).isEqualTo(3);
        assertThat(c.swav().freezePrototypesIters()).isEqualTo(313);
        assertThat(c.optim().weightDecay()).isEqualTo(1e-6);
        assertThat(c.optim().peakLr(c.train().batchSize())).isCloseTo(4.8, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(c.optim().peakLr(c.train().batchSize()) * c.optim().finalLrRatio())
                .isCloseTo(0.0048, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(c.optim().larsTrust()).isEqualTo(0.001);
        assertThat(c.optim().larsClip()).isFalse();
        assertThat(c.train().batchSize()).isEqualTo(4096);
    }
}
