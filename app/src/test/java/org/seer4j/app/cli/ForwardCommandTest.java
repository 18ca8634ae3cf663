package org.seer4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.Main;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.safetensors.SafetensorsFile;

/** {@code seer4j forward} end to end on torchvision's RegNetY fixture (scripts/make_torchvision_fixtures.py). */
class ForwardCommandTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;
    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(savedErr);
    }

    @Test
    void writesTheSamePooledFeaturesAndLogitsAsTorchvision() throws Exception {
        Path out = dir.resolve("out.safetensors");
        int code = Main.run("forward", "--backend", "djl", "--arch", "custom", "--depth", "5", "--w0", "24",
                "--wa", "20", "--wm", "2", "--group-width", "8", "--se-ratio", "0.25", "--stem-width", "16",
                "--rounding", "torchvision", "--threads", "1",
                "--weights", fixture("regnety_tiny.weights.safetensors").toString(),
                "--input", fixture("regnety_tiny.io.safetensors").toString(), "--output", out.toString());
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
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
        int code = Main.run("forward", "--arch", "custom", "--depth", "6", "--w0", "16", "--wa", "16", "--wm", "2",
                "--group-width", "8", "--stem-width", "16",
                "--weights", fixture("regnety_tiny.weights.safetensors").toString(),
                "--input", fixture("regnety_tiny.io.safetensors").toString(),
                "--output", dir.resolve("o.safetensors").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("wrong --arch or --rounding?");
        assertThat(dir.resolve("o.safetensors")).doesNotExist();
    }

    @Test
    void anUnknownPresetGetsASuggestion() {
        int code = Main.run("forward", "--arch", "regnet_y_400m", "--weights", "w", "--input", "i", "--output", "o");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("did you mean 'regnet_y_400mf'");
    }

    private static Path fixture(String name) {
        try {
            return Path.of(ForwardCommandTest.class.getResource("/fixtures/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }
}
