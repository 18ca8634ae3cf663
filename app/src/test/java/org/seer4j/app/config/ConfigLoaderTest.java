package org.seer4j.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.views.CropGroup;

class ConfigLoaderTest {

    private static RunConfig yaml(String text) {
        return ConfigLoader.fromYaml(text, "cfg.yaml", List.of());
    }

    @Test
    void anEmptyFileGivesTheRecordsDefaults() {
        assertThat(yaml("")).isEqualTo(RunConfig.defaults());
        assertThat(yaml("# only a comment\n")).isEqualTo(RunConfig.defaults());
    }

    @Test
    void aFiveLineFileSetsWhatItNamesAndLeavesEverythingElseAtItsDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("small.yaml");
        Files.writeString(file, """
                model:
                  arch: regnet_y_800mf
                swav: {epsilon: 0.03, prototypes: 100}
                train:
                  steps: 200
                """);
        RunConfig c = ConfigLoader.load(file);
        RunConfig d = RunConfig.defaults();

        assertThat(c.model().arch()).isEqualTo("regnet_y_800mf");
        assertThat(c.swav().epsilon()).isEqualTo(0.03);
        assertThat(c.swav().prototypes()).isEqualTo(100);
        assertThat(c.train().steps()).isEqualTo(200);
        // keys of the same sections that the file leaves out keep their defaults (SwAV ImageNet: T = 0.1, 3 iters)
        assertThat(c.swav().temperature()).isEqualTo(0.1);
        assertThat(c.swav().sinkhornIterations()).isEqualTo(3);
        assertThat(c.model().headDims()).isEqualTo(d.model().headDims());
        assertThat(c.train().batchSize()).isEqualTo(d.train().batchSize());
        // sections the file never mentions are exactly the defaults
        assertThat(c.views()).isEqualTo(d.views());
        assertThat(c.optim()).isEqualTo(d.optim());
        assertThat(c.data()).isEqualTo(d.data());
        assertThat(c.backend()).isEqualTo(d.backend());
        assertThat(c.eval()).isEqualTo(d.eval());
        assertThat(c.output()).isEqualTo(d.output());
    }

    @Test
    void snakeCaseKeysReachEveryKindOfField() {
        RunConfig c = yaml("""
                model:
                  arch: custom
                  depth: 13
                  w0: 24
                  wa: 36.44
                  wm: 2.49
                  group_width: 8
                  se_ratio: 0.0
                  rounding: torchvision
                  stem_stride: 1
                  head_dims: [512, 64]
                  head_batch_norm: false
                views:
                  crops:
                    - {count: 2, size: 32, min_scale: 0.3, max_scale: 1.0}
                    - count: 4
                      size: 16
                      min_scale: 0.1
                      max_scale: 0.3
                  assign_crops: [1]
                  augmentation:
                    blur_probability: 0.0
                    mean: [0.5, 0.5, 0.5]
                optim:
                  name: sgd
                  lars_clip: true
                data:
                  source: folder
                  path: /images/unlabelled
                output:
                  metrics: [jsonl, csv]
                """);
        assertThat(c.model().custom().depth()).isEqualTo(13);
        assertThat(c.model().custom().w0()).isEqualTo(24);
        assertThat(c.model().custom().wa()).isEqualTo(36.44);
        assertThat(c.model().custom().wm()).isEqualTo(2.49);
        assertThat(c.model().custom().groupWidth()).isEqualTo(8);
        assertThat(c.model().custom().seRatio()).isEqualTo(0.0);
        // left out: the published X/Y values b = 1, stem 32; the trunk follows model.rounding
        assertThat(c.model().custom().bottleneckRatio()).isEqualTo(1.0);
        assertThat(c.model().custom().stemWidth()).isEqualTo(32);
        assertThat(c.model().custom().rounding()).isEqualTo(Rounding.TORCHVISION);
        assertThat(c.model().rounding()).isEqualTo(Rounding.TORCHVISION);
        assertThat(c.model().stemStride()).isEqualTo(1);
        assertThat(c.model().headDims()).containsExactly(512, 64);
        assertThat(c.model().headBatchNorm()).isFalse();
        assertThat(c.views().crops()).containsExactly(new CropGroup(2, 32, 0.3, 1.0), new CropGroup(4, 16, 0.1, 0.3));
        assertThat(c.views().assignCrops()).containsExactly(1);
        assertThat(c.views().augmentation().blurProbability()).isEqualTo(0.0);
        assertThat(c.views().augmentation().mean()).containsExactly(0.5, 0.5, 0.5);
        assertThat(c.views().augmentation().flipProbability()).isEqualTo(0.5);
        assertThat(c.optim().name()).isEqualTo("sgd");
        assertThat(c.optim().larsClip()).isTrue();
        assertThat(c.data().source()).isEqualTo("folder");
        assertThat(c.data().path()).isEqualTo("/images/unlabelled");
        assertThat(c.output().metrics()).containsExactly("jsonl", "csv");
    }

    @Test
    void numbersReadTheWayPapersWriteThem() {
        RunConfig c = yaml("""
                optim:
                  weight_decay: 1e-5
                  base_lr: .3
                  warmup_steps: 8_000
                train:
                  steps: 122_000
                  seed: -7
                swav:
                  temperature: "0.2"
                  epsilon: 5
                """);
        assertThat(c.optim().weightDecay()).isEqualTo(0.00001);
        assertThat(c.optim().baseLr()).isEqualTo(0.3);
        assertThat(c.optim().warmupSteps()).isEqualTo(8000);
        assertThat(c.train().steps()).isEqualTo(122000);
        assertThat(c.train().seed()).isEqualTo(-7);
        assertThat(c.swav().temperature()).isEqualTo(0.2);
        assertThat(c.swav().epsilon()).isEqualTo(5.0);
    }

    @Test
    void anEmptySectionMeansAllItsDefaults() {
        assertThat(yaml("swav:\ntrain:\n")).isEqualTo(RunConfig.defaults());
    }

    @Test
    void choicesAreCaseInsensitive() {
        RunConfig c = yaml("backend: {name: TensorFlow, device: CPU}\nmodel: {arch: RegNet_Y_400MF, rounding: PYCLS}\n");
        assertThat(c.backend().name()).isEqualTo("tensorflow");
        assertThat(c.backend().device()).isEqualTo("cpu");
        assertThat(c.model().arch()).isEqualTo("regnet_y_400mf");
        assertThat(c.model().rounding()).isEqualTo(Rounding.PYCLS);
    }

    @Test
    void roundingLeftOutKeepsEachPresetsOwnAndANameOverridesIt() {
        assertThat(yaml("model: {arch: regnet_y_800mf}\n").model().rounding()).isNull();
        assertThat(yaml("model: {arch: regnet_y_800mf, rounding: null}\n").model().rounding()).isNull();
        assertThat(yaml("model: {arch: regnet_y_800mf, rounding: pycls}\n").model().rounding()).isEqualTo(Rounding.PYCLS);
        // a custom trunk without the key rounds the way pycls, VISSL and the SEER papers do
        RunConfig custom = yaml("model: {arch: custom, depth: 16, w0: 48, wa: 27.89, wm: 2.09, group_width: 8}\n");
        assertThat(custom.model().custom().rounding()).isEqualTo(Rounding.PYCLS);
    }

    @Test
    void optionalPathsAcceptNull() {
        RunConfig c = yaml("output:\n  dir: null\ndata:\n  labels: ~\n");
        assertThat(c.output().dir()).isNull();
        assertThat(c.data().labels()).isNull();
    }
}
