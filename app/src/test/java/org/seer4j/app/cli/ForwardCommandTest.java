package org.seer4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.app.testing.MainRun;
import org.seer4j.data.safetensors.SafetensorsFile;

/** {@code seer4j forward} end to end on torchvision's RegNetY fixture (scripts/make_torchvision_fixtures.py). */
class ForwardCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheSamePooledFeaturesAndLogitsAsTorchvision() throws Exception {
        Path out = dir.resolve("out.safetensors");
        MainRun r = MainRun.of("forward", "--backend", "djl", "--arch", "custom", "--depth", "5", "--w0", "24",
                "--wa", "20", "--wm", "2", "--group-width", "8", "--se-ratio", "0.25", "--stem-width", "16",
                "--rounding", "torchvision", "--threads", "1",
                "--weights", fixture("regnety_tiny.weights.safetensors").toString(),
                "--input", fixture("regnety_tiny.io.safetensors").toString(), "--output", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, Tensor> expected = new SafetensorsFile().read(fixture("regnety_tiny.io.safetensors"));
        Map<String, Tensor> actual = new SafetensorsFile().read(out);
        for (String name : new String[] {"pooled", "logits"}) {
            Tensor a = actual.get(name);
            Tensor e = expected.get(name);
            assertThat(a.shape()).containsExactly(e.shape());
            for (int i = 0; i < e.size(); i++) {
                assertThat((double) a.get(i)).as("%s[%d]", name, i)
                        .isCloseTo(e.get(i), within(1e-4 * Math.max(1, Math.abs(e.get(i)))));
            }
        }
    }

    @Test
    void weightsOfAnotherArchitectureAreRefusedWithAHint() {
        MainRun r = MainRun.of("forward", "--arch", "custom", "--depth", "6", "--w0", "16", "--wa", "16", "--wm", "2",
                "--group-width", "8", "--stem-width", "16",
                "--weights", fixture("regnety_tiny.weights.safetensors").toString(),
                "--input", fixture("regnety_tiny.io.safetensors").toString(),
                "--output", dir.resolve("o.safetensors").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("wrong --arch or --rounding?");
        assertThat(dir.resolve("o.safetensors")).doesNotExist();
    }

    @Test
    void anUnknownPresetGetsASuggestion() {
        MainRun r = MainRun.of("forward", "--arch", "regnet_y_400m", "--weights", "w", "--input", "i", "--output", "o");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("did you mean 'regnet_y_400mf'");
    }

    private static Path fixture(String name) {
        try {
            return Path.of(ForwardCommandTest.class.getResource("/fixtures/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }
}
