package org.seer4j.core.regnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegNetPresetsTest {

    @Test
    void listsPyclsThenTorchvisionThenSeerNames() {
        List<String> names = List.copyOf(RegNetPresets.all().keySet());

        assertThat(names).hasSize(24 + 15 + 4);
        assertThat(names.get(0)).isEqualTo("regnetx_200mf");
        assertThat(names.get(24)).isEqualTo("regnet_x_400mf");
        assertThat(names.subList(names.size() - 4, names.size()))
                .containsExactly("regnet_y_64gf", "seer_regnet_y_256gf", "seer_regnet_y_10b", "classy_regnet_y_256gf");
    }

    @Test
    void torchvisionNamesUseTorchvisionRoundingAndTheOthersPycls() {
        RegNetPresets.all().forEach((name, spec) -> assertThat(spec.rounding()).as(name).isEqualTo(
                name.startsWith("regnet_") && !name.equals("regnet_y_64gf") ? Rounding.TORCHVISION : Rounding.PYCLS));
    }

    @Test
    void regnetYNamesHaveSqueezeExcitationAndRegnetXNamesDoNot() {
        RegNetPresets.all().forEach((name, spec) -> assertThat(spec.seRatio()).as(name)
                .isEqualTo(name.contains("regnetx") || name.contains("regnet_x") ? 0.0 : 0.25));
    }

    @Test
    void seer256gfIsSeersModelNotClassyVisions() {
        RegNetSpec spec = RegNetPresets.find("seer_regnet_y_256gf").orElseThrow();
        assertThat(spec.wa()).isEqualTo(230.83);
        assertThat(spec.groupWidth()).isEqualTo(373);
    }

    @Test
    void findIgnoresCaseAndRejectsUnknownNames() {
        assertThat(RegNetPresets.find("RegNet_Y_400MF")).isPresent();
        assertThat(RegNetPresets.find("resnet50")).isEmpty();
        assertThat(RegNetPresets.find(null)).isEmpty();
    }

    @Test
    void suggestsTheNearestNameForATypo() {
        assertThat(RegNetPresets.suggest("regnet_y_400m")).contains("regnet_y_400mf");
        assertThat(RegNetPresets.suggest("regnet-y-1.6gf")).contains("regnet_y_1_6gf");
        assertThat(RegNetPresets.suggest("regnety_8g")).contains("regnety_8gf");
        assertThat(RegNetPresets.suggest("seer_10b")).contains("seer_regnet_y_10b");
    }

    @Test
    void suggestsNothingForSomethingUnrelated() {
        assertThat(RegNetPresets.suggest("vit_huge_patch14")).isEmpty();
        assertThat(RegNetPresets.suggest("")).isEmpty();
    }
}
