package org.seer4j.core.regnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.seer4j.core.model.ModelCost;

class RegNetStagesTest {
    /** The trunk of the public SEER RG-256 checkpoint (ClassyVision's regnet_y_256gf). */
    static final RegNetStages RG256 = new RegNetStages(32, List.of(640, 1696, 2544, 5088), List.of(3, 7, 16, 1),
            List.of(640, 848, 848, 848), 1.0, 0.25);

    @Test
    void seersPublicRg256HasTorchvisionsParameterAndMacCounts() {
        // torchvision 0.14 RegNet(BlockParams(these lists), stem 32, 1000 classes): sum of parameter sizes, and
        // forward hooks summing out.numel() x in/groups x kh x kw over Conv2d plus in x out over Linear at 224x224
        ModelCost cost = ModelCost.of(RegNetGenerator.plan(RG256), 2, 1000, 224);
        assertThat(cost.params()).isEqualTo(826_140_008L);
        assertThat(cost.macs()).isEqualTo(256_897_604_224L);
        assertThat(ModelCost.of(RegNetGenerator.plan(RG256), 2, 0, 224).params()).isEqualTo(821_051_008L);
    }

    @Test
    void classyVisionsDesignPointGivesTheSameTrunk() {
        RegNetPlan fromPreset = RegNetGenerator.plan(RegNetPresets.find("classy_regnet_y_256gf").orElseThrow());
        assertThat(fromPreset.toStages()).isEqualTo(RG256);
        assertThat(RegNetGenerator.plan(RG256).blocks()).isEqualTo(fromPreset.blocks());
        assertThat(RegNetPresets.matching(RG256)).containsExactly("classy_regnet_y_256gf");
    }

    @Test
    void aStageWhoseBottleneckIsNoMultipleOfItsGroupWidthIsRefused() {
        RegNetStages bad = new RegNetStages(32, List.of(640, 1696), List.of(1, 1), List.of(640, 640), 1.0, 0.25);
        assertThatThrownBy(() -> RegNetGenerator.plan(bad)).hasMessageContaining("stage 2: bottleneck width 1696 "
                + "is not a multiple of group width 640");
        assertThatThrownBy(() -> new RegNetStages(32, List.of(64), List.of(1, 2), List.of(8), 1.0, 0))
                .hasMessageContaining("the same number of stages");
    }
}
