package org.seer4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.ModelConfig;
import org.seer4j.core.config.RunConfig;

/** eval and embed on a released checkpoint need no config: the network comes from the weights' shapes. */
class CheckpointConfigTest {

    @Test
    void aVisslCheckpointBringsItsTrunkHeadAndPrototypes() throws Exception {
        RunConfig c = CheckpointConfig.resolve(new RunOptions(), fixture("vissl_regnety.torch"));
        ModelConfig m = c.model();
        assertThat(m.arch()).isEqualTo("stages");
        assertThat(m.stages().widths()).containsExactly(16, 24, 48, 64);
        assertThat(m.stages().depths()).containsExactly(1, 2, 2, 1);
        assertThat(m.stages().groupWidths()).containsExactly(8, 8, 16, 16);
        assertThat(m.stages().stemWidth()).isEqualTo(8);
        assertThat(m.headDims()).containsExactly(32, 16);
        assertThat(m.headBatchNorm()).isTrue();
        assertThat(c.swav().prototypes()).isEqualTo(10);
    }

    @Test
    void aTorchvisionStateDictKeepsTheDefaultHeadAndASetModelWins() throws Exception {
        RunConfig c = CheckpointConfig.resolve(new RunOptions(), fixture("tv_regnetx.pth"));
        assertThat(c.model().stages().widths()).containsExactly(8, 16, 32, 40);
        assertThat(c.model().stages().seRatio()).isZero();
        assertThat(c.model().headDims()).isEqualTo(RunConfig.defaults().model().headDims());
        RunOptions preset = new RunOptions();
        preset.overrides = new java.util.ArrayList<>(List.of("model.arch=regnet_y_400mf"));
        assertThat(CheckpointConfig.resolve(preset, fixture("tv_regnetx.pth")).model().arch()).isEqualTo("regnet_y_400mf");
    }

    private static Path fixture(String name) throws Exception {
        return Path.of(CheckpointConfigTest.class.getResource("/fixtures/import/" + name).toURI());
    }
}
