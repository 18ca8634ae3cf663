package org.seer4j.core.regnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RegNetGeneratorTest {

    @Test
    void regnetX200mfQuantisesToTheWidthsWorkedOutByHand() {
        // u_j = 24 + 36.44 j; s_j = round(ln(u_j / 24) / ln 2.49) = 0,1,2,2,2,2,3,...,3; w = round(24 * 2.49^s / 8) * 8.
        RegNetPlan plan = RegNetGenerator.plan(RegNetSpec.x(13, 24, 36.44, 2.49, 8));

        assertThat(widths(plan)).containsExactly(24, 56, 152, 368);
        assertThat(depths(plan)).containsExactly(1, 1, 4, 7);
        assertThat(plan.stages()).allSatisfy(s -> assertThat(s.stride()).isEqualTo(2));
    }

    @Test
    void quantisationRoundsHalfWayWidthsToEvenMultiplesOfEight() {
        // u = 40, 80, 120, 160 -> s = 0, 1, 1, 2 -> 40, 40 * 2.5 / 8 = 12.5 -> 12 * 8, 40 * 6.25 / 8 = 31.25 -> 31 * 8.
        RegNetPlan plan = RegNetGenerator.plan(RegNetSpec.y(4, 40, 40, 2.5, 8));

        assertThat(widths(plan)).containsExactly(40, 96, 248);
        assertThat(depths(plan)).containsExactly(1, 2, 1);
    }

    @Test
    void aHalfWayBottleneckRoundsToEvenUnderPyclsAndUpUnderTorchvision() {
        // 392 / 16 = 24.5: pycls rounds half to even (24 * 16), torchvision adds g/2 and floors (25 * 16).
        assertThat(Rounding.PYCLS.compatible(392, 1.0, 16)).containsExactly(384, 16);
        assertThat(Rounding.TORCHVISION.compatible(392, 1.0, 16)).containsExactly(400, 16);
    }

    @Test
    void torchvisionAddsAGroupWhenRoundingDownLosesMoreThanTenPercent() {
        // 48 / 40 = 1.2 -> 40 in both, but 40 < 0.9 * 48 so torchvision takes 80.
        assertThat(Rounding.PYCLS.compatible(48, 1.0, 40)).containsExactly(40, 40);
        assertThat(Rounding.TORCHVISION.compatible(48, 1.0, 40)).containsExactly(80, 40);
    }

    @Test
    void groupWidthShrinksToANarrowBottleneck() {
        assertThat(Rounding.PYCLS.compatible(32, 1.0, 64)).containsExactly(32, 32);
        assertThat(Rounding.TORCHVISION.compatible(32, 1.0, 64)).containsExactly(32, 32);
    }

    @Test
    void pyclsRoundsToTheLcmOfGroupWidthAndAnIntegralBottleneckRatio() {
        // w_b = 2 * 104 = 208, lcm(24, 2) = 24, round(208 / 24) = 9 -> 216 -> w = 108.
        assertThat(Rounding.PYCLS.compatible(104, 2.0, 24)).containsExactly(108, 24);
        // lcm(3, 2) = 6: w_b = 2 * 16 = 32 -> round(32 / 6) = 5 -> 30 -> w = 15.
        assertThat(Rounding.PYCLS.compatible(16, 2.0, 3)).containsExactly(15, 3);
        assertThatThrownBy(() -> Rounding.PYCLS.compatible(16, 1.5, 3)).hasMessageContaining("integral");
    }

    @Test
    void theConventionsDisagreeOnTheModelsTheReferenceNames() {
        for (String name : List.of("regnetx_400mf", "regnety_800mf", "regnety_8gf")) {
            RegNetSpec spec = RegNetPresets.find(name).orElseThrow();
            assertThat(widths(RegNetGenerator.plan(spec)))
                    .as(name).isNotEqualTo(widths(RegNetGenerator.plan(spec.withRounding(Rounding.TORCHVISION))));
        }
        assertThat(widths(RegNetGenerator.plan(RegNetPresets.find("regnetx_400mf").orElseThrow())))
                .containsExactly(32, 64, 160, 384);
    }

    @Test
    void blocksChainStageWidthsWithStrideOnlyOnEachStagesFirstBlock() {
        RegNetPlan plan = RegNetGenerator.plan(RegNetPresets.find("regnet_y_400mf").orElseThrow());

        BlockPlan first = plan.blocks().get(0);
        assertThat(first.prefix()).isEqualTo("trunk_output.block1.block1-0");
        assertThat(first.inWidth()).isEqualTo(32);
        assertThat(first.outWidth()).isEqualTo(48);
        assertThat(first.stride()).isEqualTo(2);
        assertThat(first.seWidth()).isEqualTo(8); // round(0.25 * 32): the block input, not the bottleneck
        assertThat(first.groups()).isEqualTo(6); // 48 / 8
        BlockPlan secondOfStage2 = plan.blocks().get(2);
        assertThat(secondOfStage2.prefix()).isEqualTo("trunk_output.block2.block2-1");
        assertThat(secondOfStage2.inWidth()).isEqualTo(104);
        assertThat(secondOfStage2.stride()).isEqualTo(1);
        assertThat(secondOfStage2.hasProjection()).isFalse();
        assertThat(secondOfStage2.seWidth()).isEqualTo(26);
        assertThat(plan.blocks().get(1).seWidth()).isEqualTo(12); // round(0.25 * 48)
    }

    @Test
    void seWidthRoundsHalfToEvenLikePython() {
        // stem 40, ratio 0.0625 -> 2.5 -> 2 (Python's round), and blocks without SE have width 0.
        RegNetSpec spec = new RegNetSpec(1, 16, 0, 2, 8, 1, 0.0625, 40, Rounding.PYCLS);
        assertThat(RegNetGenerator.plan(spec).blocks().get(0).seWidth()).isEqualTo(2);
        assertThat(RegNetGenerator.plan(RegNetSpec.x(3, 16, 0, 2, 8)).blocks())
                .allSatisfy(b -> assertThat(b.hasSe()).isFalse());
    }

    @Test
    void aZeroSlopeGivesOneStage() {
        RegNetPlan plan = RegNetGenerator.plan(RegNetSpec.x(5, 64, 0, 2.5, 16));
        assertThat(widths(plan)).containsExactly(64);
        assertThat(depths(plan)).containsExactly(5);
    }

    @Test
    void aBottleneckThatCannotHoldWholeGroupsIsRefused() {
        RegNetSpec spec = new RegNetSpec(1, 24, 0, 2, 16, 3.0, 0, 32, Rounding.TORCHVISION);
        assertThatThrownBy(() -> RegNetGenerator.plan(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a multiple of group width");
    }

    static List<Integer> widths(RegNetPlan plan) {
        return plan.stages().stream().map(Stage::width).collect(Collectors.toList());
    }

    static List<Integer> depths(RegNetPlan plan) {
        return plan.stages().stream().map(Stage::depth).collect(Collectors.toList());
    }
}
