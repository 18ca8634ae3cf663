package org.seer4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.seer4j.core.model.ParameterSpec.Kind;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetPresets;
import org.seer4j.core.regnet.RegNetSpec;

class ParameterLayoutTest {
    private static final RegNetPlan Y400 = RegNetGenerator.plan(RegNetPresets.find("regnet_y_400mf").orElseThrow());

    @Test
    void aOneBlockTrunkListsItsTensorsInTorchvisionStateDictOrder() {
        RegNetPlan plan = RegNetGenerator.plan(RegNetSpec.y(1, 16, 0, 2, 8));

        assertThat(ParameterLayout.of(ModelDefinition.trunkOnly(plan, 2, 10)).stream().map(ParameterSpec::name))
                .containsExactly("stem.0.weight", "stem.1.weight", "stem.1.bias", "stem.1.running_mean",
                        "stem.1.running_var",
                        "trunk_output.block1.block1-0.proj.0.weight", "trunk_output.block1.block1-0.proj.1.weight",
                        "trunk_output.block1.block1-0.proj.1.bias", "trunk_output.block1.block1-0.proj.1.running_mean",
                        "trunk_output.block1.block1-0.proj.1.running_var",
                        "trunk_output.block1.block1-0.f.a.0.weight", "trunk_output.block1.block1-0.f.a.1.weight",
                        "trunk_output.block1.block1-0.f.a.1.bias", "trunk_output.block1.block1-0.f.a.1.running_mean",
                        "trunk_output.block1.block1-0.f.a.1.running_var",
                        "trunk_output.block1.block1-0.f.b.0.weight", "trunk_output.block1.block1-0.f.b.1.weight",
                        "trunk_output.block1.block1-0.f.b.1.bias", "trunk_output.block1.block1-0.f.b.1.running_mean",
                        "trunk_output.block1.block1-0.f.b.1.running_var",
                        "trunk_output.block1.block1-0.f.se.fc1.weight", "trunk_output.block1.block1-0.f.se.fc1.bias",
                        "trunk_output.block1.block1-0.f.se.fc2.weight", "trunk_output.block1.block1-0.f.se.fc2.bias",
                        "trunk_output.block1.block1-0.f.c.0.weight", "trunk_output.block1.block1-0.f.c.1.weight",
                        "trunk_output.block1.block1-0.f.c.1.bias", "trunk_output.block1.block1-0.f.c.1.running_mean",
                        "trunk_output.block1.block1-0.f.c.1.running_var",
                        "fc.weight", "fc.bias");
    }

    @Test
    void regnetY400mfHasTorchvisionsShapes() {
        Map<String, ParameterSpec> byName = byName(ModelDefinition.trunkOnly(Y400, 2, 1000));

        // 5 stem tensors, 19 per SE block, 5 more for each of the 4 projections, 2 for fc.
        assertThat(byName).hasSize(5 + 16 * 19 + 4 * 5 + 2);
        assertThat(byName.get("stem.0.weight").shape()).containsExactly(32, 3, 3, 3);
        assertThat(byName.get("trunk_output.block1.block1-0.proj.0.weight").shape()).containsExactly(48, 32, 1, 1);
        assertThat(byName.get("trunk_output.block1.block1-0.f.b.0.weight").shape()).containsExactly(48, 8, 3, 3);
        assertThat(byName.get("trunk_output.block1.block1-0.f.se.fc1.weight").shape()).containsExactly(8, 48, 1, 1);
        assertThat(byName.get("trunk_output.block1.block1-0.f.se.fc2.bias").shape()).containsExactly(48);
        assertThat(byName.get("trunk_output.block4.block4-5.f.c.1.running_var").shape()).containsExactly(440);
        assertThat(byName.get("trunk_output.block4.block4-5.f.se.fc1.weight").shape()).containsExactly(110, 440, 1, 1);
        assertThat(byName).doesNotContainKey("trunk_output.block2.block2-1.proj.0.weight");
        assertThat(byName.get("fc.weight").shape()).containsExactly(1000, 440);
        assertThat(byName.keySet()).noneMatch(n -> n.endsWith("num_batches_tracked"));
    }

    @Test
    void trainableSizesAddUpToTorchvisionsParameterCounts() {
        for (String name : RegNetPresets.all().keySet()) {
            if (!name.startsWith("regnet_") || name.equals("regnet_y_64gf")) continue;
            ModelDefinition model = ModelDefinition.trunkOnly(
                    RegNetGenerator.plan(RegNetPresets.find(name).orElseThrow()), 2, 1000);
            long trainable = ParameterLayout.of(model).stream().filter(ParameterSpec::trainable)
                    .mapToLong(ParameterSpec::size).sum();
            assertThat(trainable).as(name).isEqualTo(ModelCost.of(model, 224).params());
        }
        ModelDefinition y400 = ModelDefinition.trunkOnly(Y400, 2, 1000);
        assertThat(ParameterLayout.of(y400).stream().filter(ParameterSpec::trainable)
                .mapToLong(ParameterSpec::size).sum()).isEqualTo(4_344_144L);
    }

    @Test
    void aBatchNormHeadIsNumberedLikeTorchSequential() {
        ModelDefinition model = new ModelDefinition(Y400, 2, new HeadSpec(440, List.of(2048, 512, 128), true), 3000, 0);
        List<ParameterSpec> layout = ParameterLayout.of(model);
        List<String> tail = layout.subList(layout.size() - 15, layout.size()).stream().map(ParameterSpec::name).toList();

        assertThat(tail).containsExactly("head.0.weight", "head.0.bias", "head.1.weight", "head.1.bias",
                "head.1.running_mean", "head.1.running_var", "head.3.weight", "head.3.bias", "head.4.weight",
                "head.4.bias", "head.4.running_mean", "head.4.running_var", "head.6.weight", "head.6.bias",
                "prototypes.weight");
        Map<String, ParameterSpec> byName = byName(model);
        assertThat(byName.get("head.0.weight").shape()).containsExactly(2048, 440);
        assertThat(byName.get("head.6.weight").shape()).containsExactly(128, 512);
        assertThat(byName.get("prototypes.weight").shape()).containsExactly(3000, 128);
        assertThat(byName.get("prototypes.weight").kind()).isEqualTo(Kind.PROTOTYPES);
    }

    @Test
    void aHeadWithoutBatchNormSkipsOnlyTheReluSlots() {
        ModelDefinition model = new ModelDefinition(Y400, 2, new HeadSpec(440, List.of(440, 128), false), 10, 5);
        List<String> names = ParameterLayout.of(model).stream().map(ParameterSpec::name).toList();

        assertThat(names.subList(names.size() - 7, names.size())).containsExactly(
                "fc.weight", "fc.bias", "head.0.weight", "head.0.bias", "head.2.weight", "head.2.bias",
                "prototypes.weight");
    }

    @Test
    void kindsSayWhatTrainsAndWhatIsBiasOrNorm() {
        assertThat(Kind.BN_RUNNING_MEAN.trainable()).isFalse();
        assertThat(Kind.BN_RUNNING_VAR.trainable()).isFalse();
        assertThat(Kind.PROTOTYPES.trainable()).isTrue();
        assertThat(List.of(Kind.values())).filteredOn(Kind::isBiasOrNorm)
                .containsExactlyInAnyOrder(Kind.CONV_BIAS, Kind.LINEAR_BIAS, Kind.BN_WEIGHT, Kind.BN_BIAS);
    }

    @Test
    void namesAreUnique() {
        ModelDefinition model = new ModelDefinition(Y400, 1, new HeadSpec(440, List.of(64, 64, 16), true), 7, 3);
        List<ParameterSpec> layout = ParameterLayout.of(model);
        assertThat(layout.stream().map(ParameterSpec::name).distinct().count()).isEqualTo(layout.size());
    }

    private static Map<String, ParameterSpec> byName(ModelDefinition model) {
        return ParameterLayout.of(model).stream().collect(Collectors.toMap(ParameterSpec::name, Function.identity(),
                (a, b) -> a, java.util.LinkedHashMap::new));
    }
}
