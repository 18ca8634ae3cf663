package org.seer4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.ModelConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.regnet.Stage;

class ModelsTest {

    @Test
    void theDefaultRunIsRegnetY400mfWithASwavHeadAndPrototypes() {
        ModelDefinition d = Models.definition(RunConfig.defaults());

        assertThat(d.trunk().stages().stream().map(Stage::width)).containsExactly(48, 104, 208, 440);
        assertThat(d.head()).isEqualTo(new HeadSpec(440, List.of(2048, 128), true));
        assertThat(d.prototypes()).isEqualTo(3000);
        assertThat(d.classes()).isZero();
        assertThat(d.stemStride()).isEqualTo(2);
    }

    @Test
    void torchvisionNamesKeepTorchvisionRoundingUnlessOverridden() {
        assertThat(widths(config("regnet_x_400mf", null))).containsExactly(32, 64, 160, 400);
        assertThat(widths(config("regnet_x_400mf", Rounding.PYCLS))).containsExactly(32, 64, 160, 384);
        assertThat(widths(config("regnetx_400mf", Rounding.TORCHVISION))).containsExactly(32, 64, 160, 400);
    }

    @Test
    void aCustomSpecIsUsedAsGivenWithTheHeadOnItsOutput() {
        RegNetSpec custom = RegNetSpec.x(13, 24, 36.44, 2.49, 8);
        ModelConfig m = new ModelConfig(ModelConfig.CUSTOM, custom, null, 1, List.of(64, 32), false);
        RunConfig run = with(m, new SwavConfig(50, 0.1, 0.05, 3, 0, 0, 0));

        ModelDefinition d = Models.definition(run);

        assertThat(d.trunk().spec()).isEqualTo(custom);
        assertThat(d.head()).isEqualTo(new HeadSpec(368, List.of(64, 32), false));
        assertThat(d.prototypes()).isEqualTo(50);
        assertThat(d.stemStride()).isEqualTo(1);
    }

    @Test
    void aMistypedPresetNamesTheKeyAndSuggestsTheNearestName() {
        assertThatThrownBy(() -> Models.definition(with(config("regnet_y_400m", null), SwavConfig.defaults())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.arch")
                .hasMessageContaining("did you mean 'regnet_y_400mf'");
        assertThatThrownBy(() -> Models.spec(config("resnet50", null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("did you mean")
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("model.arch"));
    }

    @Test
    void aCustomBottleneckThatCannotHoldWholeGroupsIsAConfigError() {
        RegNetSpec custom = new RegNetSpec(1, 24, 0, 2, 16, 3.0, 0, 32, Rounding.TORCHVISION);
        ModelConfig m = new ModelConfig(ModelConfig.CUSTOM, custom, null, 2, List.of(128), true);
        assertThatThrownBy(() -> Models.trunk(m)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("model.bottleneck: ");
    }

    private static List<Integer> widths(ModelConfig m) {
        return Models.trunk(m).stages().stream().map(Stage::width).toList();
    }

    private static ModelConfig config(String arch, Rounding rounding) {
        return new ModelConfig(arch, null, rounding, 2, List.of(2048, 128), true);
    }

    private static RunConfig with(ModelConfig m, SwavConfig swav) {
        RunConfig d = RunConfig.defaults();
        return new RunConfig(m, d.views(), swav, d.optim(), d.train(), d.data(), d.backend(), d.eval(), d.output());
    }
}
