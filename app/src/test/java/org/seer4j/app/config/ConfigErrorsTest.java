package org.seer4j.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of mistake gives one message naming the file line (or the override) and the key. */
class ConfigErrorsTest {

    private static InvalidConfigException error(String yaml, String... overrides) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> ConfigLoader.fromYaml(yaml, "cfg.yaml", List.of(overrides)));
        assertThat(e).as("expected an InvalidConfigException").isNotNull();
        return e;
    }

    // --- unknown keys ---

    @Test
    void aMisspeltKeyIsNamedWithItsLineAndTheNearestKnownKey() {
        InvalidConfigException e = error("""
                train:
                  steps: 10
                swav:
                  epsilom: 0.03
                """);
        assertThat(e).hasMessage("cfg.yaml:4: swav.epsilom: unknown key; did you mean swav.epsilon?");
        assertThat(e.key()).isEqualTo("swav.epsilom");
        assertThat(e.origin()).isEqualTo(new Origin("cfg.yaml", 4));
    }

    @Test
    void aKeyInTheWrongSectionPointsToTheSectionThatHasIt() {
        assertThat(error("train:\n  sinkhorn_iterations: 5\n"))
                .hasMessage("cfg.yaml:2: train.sinkhorn_iterations: unknown key; did you mean swav.sinkhorn_iterations?");
    }

    @Test
    void aMisspeltSectionIsNamedWithTheNearestSection() {
        assertThat(error("model: {arch: regnet_y_400mf}\nswaw:\n  epsilon: 0.05\n"))
                .hasMessage("cfg.yaml:2: swaw: unknown key; did you mean swav?");
    }

    @Test
    void anUnknownKeyFarFromAnyKnownOneListsTheSectionsKeys() {
        assertThat(error("backend:\n  gpu_count: 8\n")).hasMessage(
                "cfg.yaml:2: backend.gpu_count: unknown key; known keys of backend: name, device, threads, sync_bn_group_size,"
                        + " shard_optimizer_state");
    }

    @Test
    void aMisspeltKeyInsideACropGroupNamesTheGroup() {
        assertThat(error("""
                views:
                  crops:
                    - {count: 2, size: 224, min_scale: 0.14, max_scale: 1.0}
                    - count: 4
                      size: 96
                      min_sacle: 0.05
                      max_scale: 0.14
                """)).hasMessage("cfg.yaml:6: views.crops[1].min_sacle: unknown key; did you mean views.crops[1].min_scale?");
    }

    // --- wrong types ---

    @Test
    void textWhereANumberBelongsIsRefused() {
        assertThat(error("swav:\n  temperature: 0.1\n  epsilon: abc\n"))
                .hasMessage("cfg.yaml:3: swav.epsilon: expected a number, got 'abc'");
    }

    @Test
    void aFractionWhereAnIntegerBelongsIsRefused() {
        assertThat(error("train:\n  steps: 2.5\n")).hasMessage("cfg.yaml:2: train.steps: expected an integer, got '2.5'");
    }

    @Test
    void anIntegerBeyondIntRangeIsRefused() {
        assertThat(error("swav:\n  prototypes: 3000000000\n"))
                .hasMessage("cfg.yaml:2: swav.prototypes: is out of range for an integer: 3000000000");
    }

    @Test
    void aWordWhereABooleanBelongsIsRefused() {
        assertThat(error("model:\n  head_batch_norm: maybe\n"))
                .hasMessage("cfg.yaml:2: model.head_batch_norm: expected true or false, got 'maybe'");
    }

    @Test
    void aSingleValueWhereAListBelongsIsRefused() {
        assertThat(error("model:\n  head_dims: 256\n")).hasMessage(
                "cfg.yaml:2: model.head_dims: expected a list (e.g. [1, 2] or one '- item' per line), got '256'");
    }

    @Test
    void aBadListItemIsNamedByItsIndex() {
        assertThat(error("model:\n  head_dims:\n    - 2048\n    - wide\n"))
                .hasMessage("cfg.yaml:4: model.head_dims[1]: expected an integer, got 'wide'");
    }

    @Test
    void aValueWhereASectionBelongsIsRefused() {
        assertThat(error("train: {steps: 5}\nswav: 3\n"))
                .hasMessage("cfg.yaml:2: swav: expected a mapping of keys, got '3'");
    }

    @Test
    void aMappingWhereAValueBelongsIsRefused() {
        assertThat(error("swav:\n  epsilon:\n    value: 0.05\n"))
                .hasMessage("cfg.yaml:2: swav.epsilon: expected a single value, got a mapping");
    }

    @Test
    void aMissingRequiredValueIsRefused() {
        assertThat(error("swav:\n  epsilon:\n")).hasMessage("cfg.yaml:2: swav.epsilon: expected a number, got nothing (null)");
    }

    @Test
    void aTopLevelThatIsNotAMappingIsRefused() {
        assertThat(error("just words\n").getMessage()).startsWith("cfg.yaml:1: expected the sections model, views");
    }

    // --- out-of-range values, as the core records judge them ---

    @Test
    void aNegativeEpsilonIsRefusedAtItsLine() {
        assertThat(error("# SwAV\nswav:\n  prototypes: 100\n  epsilon: -1\n"))
                .hasMessage("cfg.yaml:4: swav.epsilon: must be > 0, got -1.0");
    }

    @Test
    void aWidthMultiplierOfOneIsRefused() {
        assertThat(error(custom("wm", "1.0"))).hasMessage("cfg.yaml:6: model.wm: must be > 1, got 1.0");
    }

    @Test
    void anInitialWidthThatIsNoMultipleOfEightIsRefused() {
        assertThat(error(custom("w0", "12"))).hasMessage("cfg.yaml:4: model.w0: must be a positive multiple of 8, got 12");
    }

    @Test
    void anSeRatioOfOneIsRefused() {
        assertThat(error(custom("se_ratio", "1.0"))).hasMessage("cfg.yaml:8: model.se_ratio: must be in [0, 1), got 1.0");
    }

    @Test
    void aZeroDepthIsRefused() {
        assertThat(error(custom("depth", "0"))).hasMessage("cfg.yaml:3: model.depth: must be >= 1, got 0");
    }

    /** A valid custom RegNetY-400MF (lines 1-7) with {@code key} set to {@code value} in place, or on line 8. */
    private static String custom(String key, String value) {
        List<String> lines = new java.util.ArrayList<>(List.of("model:", "  arch: custom", "  depth: 16", "  w0: 48",
                "  wa: 27.89", "  wm: 2.09", "  group_width: 8"));
        int at = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith("  " + key + ":")) at = i;
        if (at < 0) lines.add("  " + key + ": " + value);
        else lines.set(at, "  " + key + ": " + value);
        return String.join("\n", lines) + "\n";
    }

    @Test
    void anUnknownPresetIsRefusedWithTheNearestPresetName() {
        assertThat(error("train: {steps: 5}\nmodel:\n  arch: regnet_y_400\n").getMessage())
                .startsWith("cfg.yaml:3: model.arch: unknown RegNet 'regnet_y_400'; did you mean 'regnet_y_400mf'?");
    }

    @Test
    void aBottleneckRatioPyclsCannotRoundIsRefusedAtItsLine() {
        assertThat(error(custom("bottleneck", "1.5"))).hasMessage(
                "cfg.yaml:8: model.bottleneck: pycls rounding needs an integral bottleneck ratio above 1, got 1.5");
    }

    @Test
    void aCustomTrunkWithoutItsDesignParametersIsRefused() {
        assertThat(error("model:\n  arch: custom\n  depth: 16\n"))
                .hasMessage("cfg.yaml:1: model.w0: is required when model.arch is custom");
    }

    @Test
    void designParametersBesideAPresetAreRefused() {
        assertThat(error("model:\n  arch: regnet_y_400mf\n  depth: 16\n"))
                .hasMessage("cfg.yaml:3: model.depth: applies only when model.arch is custom (it is regnet_y_400mf)");
    }

    @Test
    void aCropWhoseMaxScaleIsBelowItsMinScaleIsRefusedWithItsIndex() {
        assertThat(error("""
                views:
                  crops:
                    - {count: 2, size: 224, min_scale: 0.14, max_scale: 1.0}
                    - count: 4
                      size: 96
                      min_scale: 0.5
                      max_scale: 0.14
                """)).hasMessage("cfg.yaml:7: views.crops[1].max_scale: must be >= min_scale (0.5), got 0.14");
    }

    @Test
    void aCropGroupMissingItsSizeIsRefused() {
        assertThat(error("views:\n  crops:\n    - {count: 2, min_scale: 0.14, max_scale: 1.0}\n"))
                .hasMessage("cfg.yaml:3: views.crops[0].size: is required");
    }

    @Test
    void anAssigningCropThatDoesNotExistIsRefused() {
        assertThat(error("views:\n  assign_crops: [0, 8]\n"))
                .hasMessage("cfg.yaml:2: views.assign_crops: crop 8 does not exist (crops are 0..7)");
    }

    @Test
    void aProbabilityAboveOneIsRefusedInsideTheAugmentation() {
        assertThat(error("views:\n  augmentation:\n    grayscale_probability: 1.2\n")).hasMessage(
                "cfg.yaml:3: views.augmentation.grayscale_probability: must be a probability in [0, 1], got 1.2");
    }

    @Test
    void aQueueThatIsNoMultipleOfTheBatchIsRefusedAtTheQueueLine() {
        assertThat(error("train:\n  batch_size: 256\nswav:\n  queue_length: 1000\n"))
                .hasMessage("cfg.yaml:4: swav.queue_length: must be a multiple of train.batch_size (256), got 1000");
    }

    @Test
    void aRuleBrokenByADefaultIsReportedAtTheSectionTheUserWrote() {
        // epochs 0 with the default steps 0 leaves no run length; train.steps itself was never written
        assertThat(error("model: {arch: regnet_y_400mf}\ntrain:\n  epochs: 0\n"))
                .hasMessage("cfg.yaml:2: train.steps: either train.steps or train.epochs must be > 0");
    }

    @Test
    void aMisspeltChoiceIsAnsweredWithTheNearestAllowedOne() {
        assertThat(error("backend:\n  name: tensorflo\n"))
                .hasMessage("cfg.yaml:2: backend.name: must be one of djl, tensorflow, got 'tensorflo'; did you mean tensorflow?");
    }

    @Test
    void anUnknownMetricsSinkIsRefused() {
        assertThat(error("output:\n  metrics: [jsonl, xml]\n"))
                .hasMessage("cfg.yaml:2: output.metrics: must be one of jsonl, csv, tensorboard, got xml");
    }

    @Test
    void aFolderSourceWithoutAPathIsRefused() {
        assertThat(error("data:\n  source: folder\n"))
                .hasMessage("cfg.yaml:1: data.path: is required when data.source is folder");
    }

    // --- the file itself ---

    @Test
    void aMissingFileIsNamedWithTheNearestYamlBesideIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("swav-imagenet.yaml"), "train: {steps: 1}\n");
        Path missing = dir.resolve("swav-imagnet.yaml");
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> ConfigLoader.load(missing));
        assertThat(e).hasMessage(missing + ": no such file; did you mean " + dir.resolve("swav-imagenet.yaml") + "?");
    }

    @Test
    void aMissingFileWithNothingLikeItBesideItSaysSo(@TempDir Path dir) {
        Path missing = dir.resolve("run.yaml");
        assertThat(catchThrowableOfType(InvalidConfigException.class, () -> ConfigLoader.load(missing)))
                .hasMessage(missing + ": no such file");
    }

    @Test
    void aDirectoryIsNotAConfig(@TempDir Path dir) {
        assertThat(catchThrowableOfType(InvalidConfigException.class, () -> ConfigLoader.load(dir)))
                .hasMessage(dir + ": is a directory, not a YAML file");
    }

    @Test
    void aFileThatIsNotUtf8IsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "data: {path: caf\u00e9}\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(catchThrowableOfType(InvalidConfigException.class, () -> ConfigLoader.load(file)))
                .hasMessage(file + ": is not UTF-8 text");
    }

    @Test
    void errorsInAFileNameTheFileAsTheUserWroteIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, "swav:\n  epsilon: 0\n");
        assertThat(catchThrowableOfType(InvalidConfigException.class, () -> ConfigLoader.load(file)))
                .hasMessage(file + ":2: swav.epsilon: must be > 0, got 0.0");
    }

    @Test
    void malformedYamlIsReportedAtTheLineWhereParsingFailed() {
        InvalidConfigException e = error("swav:\n  epsilon: 0.05\nviews:\n  assign_crops: [0, 1\ntrain:\n  steps: 5\n");
        assertThat(e.getMessage()).startsWith("cfg.yaml:5: malformed YAML: ").contains("expected ',' or ']'")
                .doesNotContain("\n");
    }

    @Test
    void aTabUsedForIndentationIsReported() {
        assertThat(error("swav:\n\tepsilon: 0.05\n").getMessage())
                .startsWith("cfg.yaml:2: malformed YAML: ").contains("tab");
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        assertThat(error("swav:\n  epsilon: 0.05\n  prototypes: 10\n  epsilon: 0.03\n"))
                .hasMessage("cfg.yaml:4: swav.epsilon: is given twice (first on line 2)");
    }

    @Test
    void aKeyGivenTwiceInsideACropGroupIsNamedWithTheGroup() {
        assertThat(error("views:\n  crops:\n    - {count: 2, size: 224, size: 96, min_scale: 0.14, max_scale: 1.0}\n"))
                .hasMessage("cfg.yaml:3: views.crops[0].size: is given twice (first on line 3)");
    }

    @Test
    void aSecondDocumentIsRefused() {
        assertThat(error("swav:\n  epsilon: 0.05\n---\ntrain:\n  steps: 5\n"))
                .hasMessage("cfg.yaml:4: a second YAML document starts here; a config file holds exactly one");
    }

    @Test
    void aliasesAreRefusedRatherThanMisread() {
        assertThat(error("train:\n  steps: &n 100\n  log_every: *n\n").getMessage())
                .startsWith("cfg.yaml:3: YAML aliases (*n) are not supported");
    }

    // --- overrides name themselves instead of a line ---

    @Test
    void anOutOfRangeOverrideIsNamed() {
        assertThat(error("swav:\n  epsilon: 0.05\n", "swav.epsilon=-1"))
                .hasMessage("--set swav.epsilon=-1: swav.epsilon: must be > 0, got -1.0");
    }

    @Test
    void aMistypedOverrideIsNamed() {
        assertThat(error("", "train.steps=many"))
                .hasMessage("--set train.steps=many: train.steps: expected an integer, got 'many'");
    }

    @Test
    void anOverrideOfAnUnknownKeyIsNamedWithASuggestion() {
        assertThat(error("", "swav.epsilom=0.03"))
                .hasMessage("--set swav.epsilom=0.03: swav.epsilom: unknown key; did you mean swav.epsilon?");
    }

    @Test
    void anOverrideWithoutAnEqualsSignIsRefused() {
        assertThat(error("", "train.steps"))
                .hasMessage("--set train.steps: expected key=value, e.g. --set train.steps=200");
    }

    @Test
    void anOverrideWithABadKeyPathIsRefused() {
        assertThat(error("", "train..steps=3"))
                .hasMessage("--set train..steps=3: train..steps: is not a key path like swav.epsilon or views.crops[1].size");
    }

    @Test
    void anOverrideOfAListItemThatDoesNotExistIsRefused() {
        String twoGroups = "views:\n  crops:\n    - {count: 2, size: 224, min_scale: 0.14, max_scale: 1.0}\n"
                + "    - {count: 6, size: 96, min_scale: 0.05, max_scale: 0.14}\n";
        assertThat(error(twoGroups, "views.crops[5].size=64"))
                .hasMessage("--set views.crops[5].size=64: views.crops: has 2 items, so no [5]");
    }

    @Test
    void anOverrideOfAListItemTheFileNeverWroteAsksForTheWholeList() {
        assertThat(error("", "views.crops[1].size=64")).hasMessage("--set views.crops[1].size=64: views.crops: "
                + "is not written in the file, so it has no item [1] to change; set the whole list instead");
    }

    @Test
    void anOverrideThatDescendsIntoAValueIsRefused() {
        assertThat(error("swav:\n  epsilon: 0.05\n", "swav.epsilon.value=3"))
                .hasMessage("--set swav.epsilon.value=3: swav.epsilon: is '0.05', not a section");
    }

    @Test
    void anOverrideWithMalformedYamlIsNamed() {
        assertThat(error("", "views.assign_crops=[0, 1").getMessage())
                .startsWith("--set views.assign_crops=[0, 1: malformed YAML: ");
    }

    @Test
    void aRuleBrokenOnlyTogetherWithAnOverrideIsReportedAtTheKeyTheRecordNames() {
        // the file's queue fits its batch; the override's batch does not fit the file's queue
        assertThat(error("train:\n  batch_size: 256\nswav:\n  queue_length: 3840\n", "train.batch_size=1000"))
                .hasMessage("cfg.yaml:4: swav.queue_length: must be a multiple of train.batch_size (1000), got 3840");
    }
}
