package org.seer4j.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.config.ConfigNode.Entry;
import org.seer4j.app.config.ConfigNode.Mapping;
import org.seer4j.app.config.ConfigNode.Sequence;
import org.seer4j.core.config.BackendConfig;
import org.seer4j.core.config.DataConfig;
import org.seer4j.core.config.EvalConfig;
import org.seer4j.core.config.ModelConfig;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.OutputConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.TrainConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;

class ConfigWriterTest {

    /** Every field differs from its default, the trunk is custom, and the strings need quoting. */
    static RunConfig unusual() {
        return new RunConfig(
                new ModelConfig("custom", new RegNetSpec(27, 640, 230.83, 2.53, 373, 1.0, 0.25, 32, Rounding.TORCHVISION),
                        Rounding.TORCHVISION, 1, List.of(8192, 8192, 256), false),
                new ViewsConfig(List.of(new CropGroup(2, 160, 0.14, 1.0), new CropGroup(4, 96, 0.05, 0.14)), List.of(1, 0),
                        new Augmentation(0.25, 0.5, 0.7, 0.1, 0.3, 0.2, 1.5, List.of(0.5, 0.5, 0.5), List.of(0.25, 0.25, 0.25))),
                new SwavConfig(16000, 0.2, 0.03, 10, 3840, 15, 5005),
                new OptimConfig("sgd", 0.8, 1e-5, 9.6, 8192, 0.15, 0.0, 8000, 0.002, true, false),
                new TrainConfig(256, 0, 122000, -42, 1, 0, 7),
                new DataConfig("folder", "/data/caf\u00e9 \"photos\": 2021 #1\\raw", "yes", true, 9),
                new BackendConfig("tensorflow", "gpu", 3, 2),
                new EvalConfig("knn", 200, 0.1, 7, 0.5),
                new OutputConfig("runs/seer: 256gf", List.of("csv", "jsonl"), false));
    }

    @Test
    void theDefaultsRoundTrip() {
        RunConfig d = RunConfig.defaults();
        assertThat(ConfigLoader.fromYaml(ConfigWriter.toYaml(d), "written.yaml", List.of())).isEqualTo(d);
    }

    @Test
    void aConfigWithEveryFieldChangedRoundTrips() {
        RunConfig c = unusual();
        assertThat(ConfigLoader.fromYaml(ConfigWriter.toYaml(c), "written.yaml", List.of())).isEqualTo(c);
    }

    @Test
    void theWriterSpellsOutEveryKnownKey() {
        ConfigNode written = YamlTree.parse(ConfigWriter.toYaml(unusual()), "written.yaml");
        List<String> keys = new ArrayList<>();
        collect("", written, keys);
        List<String> expected = new ArrayList<>(ConfigKeys.all());
        expected.removeIf(k -> k.startsWith("model.stages.")); // written only for arch: stages (next test)
        assertThat(keys).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aTrunkGivenByStageListsRoundTripsWithItsKeys() {
        RunConfig c = ConfigLoader.defaults(List.of("model={arch: stages, stages: {widths: [640, 1696, 2544, 5088], "
                + "depths: [3, 7, 16, 1], group_widths: [640, 848, 848, 848]}, init_weights: seer.torch}"));
        String yaml = ConfigWriter.toYaml(c);
        assertThat(ConfigLoader.fromYaml(yaml, "written.yaml", List.of())).isEqualTo(c);
        List<String> keys = new ArrayList<>();
        collect("", YamlTree.parse(yaml, "written.yaml"), keys);
        assertThat(keys).containsAll(ConfigKeys.STAGES_MODEL.stream().map(k -> "model.stages." + k).toList())
                .contains("model.init_weights");
        assertThat(c.model().stages().groupWidths()).containsExactly(640, 848, 848, 848);
    }

    private static void collect(String path, ConfigNode node, List<String> keys) {
        if (node instanceof Mapping m) {
            for (Entry e : m.entries().values()) collect(path.isEmpty() ? e.key() : path + "." + e.key(), e.value(), keys);
        } else if (node instanceof Sequence s && !s.items().isEmpty() && s.items().get(0) instanceof Mapping) {
            collect(path + "[]", s.items().get(0), keys);
        } else {
            keys.add(path);
        }
    }

    @Test
    void stringsThatYamlWouldMisreadAreQuotedAndReadBackAsWritten() {
        for (String tricky : List.of("yes", "Null", "0.5", "1e-5", "a: b", "tab\there", "#1", "- x", "[a]", "~", "@x", "%y")) {
            RunConfig c = RunConfig.defaults();
            c = new RunConfig(c.model(), c.views(), c.swav(), c.optim(), c.train(),
                    new DataConfig("folder", tricky, "labels.csv", true, 2), c.backend(), c.eval(), c.output());
            assertThat(ConfigLoader.fromYaml(ConfigWriter.toYaml(c), "written.yaml", List.of()).data().path())
                    .as("written as %s", ConfigWriter.toYaml(c).lines().filter(l -> l.contains("path:")).findFirst())
                    .isEqualTo(tricky);
        }
    }

    @Test
    void plainWordsStayUnquoted() {
        String yaml = ConfigWriter.toYaml(RunConfig.defaults());
        assertThat(yaml).startsWith("# Effective seer4j configuration").contains("\n  arch: ").contains("  name: djl\n");
    }

    @Test
    void writingReplacesTheFileAtomicallyAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("runs/r1/config.yaml");
        ConfigWriter.write(RunConfig.defaults(), file);
        ConfigWriter.write(unusual(), file);

        assertThat(ConfigLoader.load(file)).isEqualTo(unusual());
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("config.yaml");
        }
    }
}
