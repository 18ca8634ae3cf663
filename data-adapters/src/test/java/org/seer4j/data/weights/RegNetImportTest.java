package org.seer4j.data.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.seer4j.core.regnet.RegNetStages;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.safetensors.SafetensorsFile;

/**
 * Reads torch.save files written by scripts/make_import_fixtures.py (torch 1.13): every tensor comes back exactly
 * as torch holds it, the design is the one the script built, and broken or hostile files are refused with one line.
 */
class RegNetImportTest {
    private static final String MARKER = "/tmp/seer4j-import-fixture-pwned";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"regnety.pth", "regnety_legacy.pth"})
    void readsEveryTensorAsTorchHoldsIt(String file) throws Exception {
        Map<String, Tensor> expected = new SafetensorsFile().read(fixture("regnety.expected.safetensors"));
        try (RegNetImport imported = RegNetImport.open(fixture(file), 2)) {
            assertThat(imported.format()).isEqualTo(file.contains("legacy") ? "pytorch-legacy" : "pytorch-zip");
            Map<String, Tensor> actual = imported.readAll();
            assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (String name : expected.keySet()) {
                assertThat(actual.get(name)).as(name).isEqualTo(expected.get(name));
            }
            assertThat(imported.skipped()).hasSize(20).allMatch(n -> n.endsWith("num_batches_tracked"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"regnety.pth", "regnety_legacy.pth"})
    void readsTensorsInSmallChunksAtAnyOffset(String file) throws Exception {
        Map<String, Tensor> expected = new SafetensorsFile().read(fixture("regnety.expected.safetensors"));
        try (RegNetImport imported = RegNetImport.open(fixture(file), 2)) {
            // 7 floats at a time: every tensor of the fixture spans several chunks, none ends on a boundary
            org.seer4j.core.tensor.TensorReader reader = imported.reader(7);
            for (org.seer4j.core.tensor.TensorInfo t : reader.tensors()) {
                float[] whole = expected.get(t.name()).toArray();
                float[] read = new float[whole.length];
                reader.read(t.name(), 0, java.nio.FloatBuffer.wrap(read));
                assertThat(read).as(t.name()).containsExactly(whole);
                if (whole.length > 3) { // a range from the middle, as a chunked writer asks for it
                    float[] part = new float[whole.length - 3];
                    reader.read(t.name(), 3, java.nio.FloatBuffer.wrap(part));
                    assertThat(part).as(t.name() + " from 3").containsExactly(java.util.Arrays.copyOfRange(whole, 3, whole.length));
                }
            }
            assertThat(reader.tensors()).hasSize(expected.size());
        }
    }

    @Test
    void infersTheDesignTheScriptBuilt() throws Exception {
        try (RegNetImport imported = RegNetImport.open(fixture("regnety.pth"), 2)) {
            RegNetStages s = imported.design().stages();
            assertThat(s.stemWidth()).isEqualTo(8);
            assertThat(s.widths()).containsExactly(8, 16, 24, 32);
            assertThat(s.depths()).containsExactly(1, 1, 2, 1);
            assertThat(s.groupWidths()).containsExactly(8, 8, 8, 8);
            assertThat(s.seRatio()).isEqualTo(0.25);
            assertThat(s.bottleneckRatio()).isEqualTo(1.0);
            assertThat(imported.design().arch()).isEqualTo("custom");
            assertThat(imported.design().network().classes()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"malicious_system.pth:posix.system", "malicious_eval.pth:__builtin__.eval"})
    void refusesGlobalsOutsideTheAllowListWithoutRunningThem(String fileAndGlobal) throws Exception {
        String[] p = fileAndGlobal.split(":");
        Files.deleteIfExists(Path.of(MARKER));
        assertThatThrownBy(() -> RegNetImport.open(fixture(p[0]), 2))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("calls " + p[1] + ", which is not among the globals")
                .hasMessageContaining("nothing was run")
                .hasMessageNotContaining("\n");
        assertThat(Path.of(MARKER)).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"truncated.pth:truncated file?", "missing_storage.pth:storage '3' is missing",
            "linear.pth:not a RegNet state_dict", "bad_shape.pth:shape mismatch: 'trunk_output.block3.block3-1.f.b.1.weight'",
            "regnety.expected.safetensors:neither a zip archive nor a PyTorch pickle"})
    void brokenFilesGetOneLineNamingTheProblem(String fileAndMessage) throws Exception {
        String[] p = fileAndMessage.split(":", 2);
        assertThatThrownBy(() -> {
            try (RegNetImport imported = RegNetImport.open(fixture(p[0]), 2)) {
                imported.readAll();
            }
        }).isInstanceOf(CheckpointFormatException.class).hasMessageContaining(p[1]).hasMessageNotContaining("\n");
    }

    @Test
    void namesFromWrappersVisslAndFsdpMapToInterchangeNames() {
        Map<String, String> cases = Map.of(
                "module.stem.0.weight", "stem.0.weight",
                "trunk._feature_blocks.conv1.stem.1.running_var", "stem.1.running_var",
                "trunk._feature_blocks.res3.block2-0.proj.weight", "trunk_output.block2.block2-0.proj.0.weight",
                "trunk._feature_blocks.res3.block2-0.bn.bias", "trunk_output.block2.block2-0.proj.1.bias",
                "trunk._feature_blocks.res5.block4-part0.block4-0.f.se.excitation.2.bias",
                "trunk_output.block4.block4-0.f.se.fc2.bias",
                "trunk._feature_blocks.res2._fsdp_wrapped_module.block1-0.f.final_bn.weight",
                "trunk_output.block1.block1-0.f.c.1.weight",
                "module.trunk._feature_blocks.res4.block3-7.f.c.weight", "trunk_output.block3.block3-7.f.c.0.weight",
                "heads.0.projection_head.3.weight", "head.3.weight",
                "heads.0.prototypes0.weight", "prototypes.weight");
        cases.forEach((from, to) -> assertThat(InterchangeNames.of(from)).as(from).contains(to));
        for (String other : List.of("heads.0.prototypes1.weight", "trunk._feature_blocks.res3.block3-0.f.a.0.weight",
                "optimizer.state", "loss.queue")) {
            assertThat(InterchangeNames.of(other)).as(other).isEmpty();
        }
    }

    static Path fixture(String name) throws Exception {
        var url = RegNetImportTest.class.getResource("/weights/" + name);
        if (url == null) throw new IllegalStateException("missing fixture " + name + "; run scripts/make_import_fixtures.py");
        return Path.of(url.toURI());
    }
}
