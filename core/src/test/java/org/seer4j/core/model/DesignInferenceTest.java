package org.seer4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetPresets;
import org.seer4j.core.regnet.RegNetStages;

class DesignInferenceTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"regnet_y_400mf", "regnet_x_400mf", "regnet_y_800mf", "regnet_x_32gf", "regnet_y_16gf",
            "regnetx_600mf", "regnet_y_64gf", "classy_regnet_y_256gf"})
    void thePresetIsReadBackFromTheShapesOfItsWeights(String name) {
        RegNetPlan plan = RegNetGenerator.plan(RegNetPresets.find(name).orElseThrow());
        DesignInference.Inferred inferred = DesignInference.infer(shapes(ModelDefinition.trunkOnly(plan, 2, 1000)), 2);
        assertThat(inferred.stages()).isEqualTo(plan.toStages());
        assertThat(inferred.presets()).contains(name);
        assertThat(inferred.network().classes()).isEqualTo(1000);
        assertThat(ModelCost.of(inferred.network(), 224)).isEqualTo(ModelCost.of(plan, 2, 1000, 224));
    }

    @Test
    void torchvisionNamesComeFirstWhenBothRoundingConventionsGiveTheSameTrunk() {
        RegNetPlan plan = RegNetGenerator.plan(RegNetPresets.find("regnetx_1_6gf").orElseThrow());
        DesignInference.Inferred inferred = DesignInference.infer(shapes(ModelDefinition.trunkOnly(plan, 2, 0)), 2);
        assertThat(inferred.presets()).containsExactly("regnet_x_1_6gf", "regnetx_1_6gf");
        assertThat(inferred.arch()).isEqualTo("regnet_x_1_6gf");
    }

    @Test
    void aSwavHeadAndPrototypesAreReadToo() {
        RegNetPlan plan = RegNetGenerator.plan(RegNetPresets.find("regnet_y_400mf").orElseThrow());
        ModelDefinition swav = new ModelDefinition(plan, 2, new HeadSpec(440, List.of(2048, 512, 128), true), 3000, 0);
        ModelDefinition inferred = DesignInference.infer(shapes(swav), 2).network();
        assertThat(inferred.head()).isEqualTo(swav.head());
        assertThat(inferred.prototypes()).isEqualTo(3000);
        ModelDefinition seer = new ModelDefinition(plan, 2, new HeadSpec(440, List.of(64, 32), false), 10, 0);
        assertThat(DesignInference.infer(shapes(seer), 2).network().head()).isEqualTo(seer.head());
    }

    @Test
    void explicitStagesThatAreNoPresetMatchNone() {
        RegNetStages design = new RegNetStages(16, List.of(24, 48, 96), List.of(1, 2, 1), List.of(8, 16, 16), 1.0, 0.25);
        DesignInference.Inferred inferred = DesignInference.infer(
                shapes(ModelDefinition.trunkOnly(RegNetGenerator.plan(design), 2, 0)), 2);
        assertThat(inferred.stages()).isEqualTo(design);
        assertThat(inferred.arch()).isEqualTo("custom");
    }

    @Test
    void aTensorOfTheWrongShapeIsNamed() {
        RegNetPlan plan = RegNetGenerator.plan(RegNetPresets.find("regnet_y_400mf").orElseThrow());
        Map<String, int[]> s = shapes(ModelDefinition.trunkOnly(plan, 2, 0));
        s.put("trunk_output.block3.block3-2.f.se.fc2.bias", new int[] {207});
        assertThatThrownBy(() -> DesignInference.infer(s, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shape mismatch: 'trunk_output.block3.block3-2.f.se.fc2.bias' is [207]")
                .hasMessageContaining("needs [208]");
    }

    @Test
    void somethingElseIsNotARegNet() {
        assertThatThrownBy(() -> DesignInference.infer(Map.of("weight", new int[] {2, 4}), 2))
                .hasMessageContaining("not a RegNet state_dict");
    }

    private static Map<String, int[]> shapes(ModelDefinition model) {
        Map<String, int[]> s = new LinkedHashMap<>();
        for (ParameterSpec p : ParameterLayout.of(model)) s.put(p.name(), p.shape());
        return s;
    }
}
