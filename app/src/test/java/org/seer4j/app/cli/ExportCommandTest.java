package org.seer4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.testing.MainRun;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.safetensors.SafetensorsFile;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** {@code seer4j export --format savedmodel} end to end: TF Java serves torchvision's RegNetY fixture outputs. */
class ExportCommandTest {
    @TempDir
    Path dir;

    @Test
    void theExportedSavedModelServesTorchvisionsFeaturesAndLogits() throws Exception {
        Path out = dir.resolve("regnety_tiny");
        MainRun export = MainRun.of("export", "--format", "savedmodel", "--arch", "custom", "--depth", "5",
                "--w0", "24", "--wa", "20", "--wm", "2", "--group-width", "8", "--se-ratio", "0.25",
                "--stem-width", "16", "--rounding", "torchvision",
                "--weights", fixture("regnety_tiny.weights.safetensors").toString(), "--output", out.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        Map<String, Tensor> io = new SafetensorsFile().read(fixture("regnety_tiny.io.safetensors"));
        Tensor input = io.get("input");
        long[] shape = new long[input.rank()];
        for (int i = 0; i < shape.length; i++) shape[i] = input.dim(i);
        try (SavedModelBundle b = SavedModelBundle.load(out.toString(), "serve");
             TFloat32 x = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(input.toArray(), true, false));
             Result r = b.function("serving_default").call(Map.of("images", x))) {
            for (String name : new String[] {"features", "logits"}) {
                TFloat32 a = (TFloat32) r.get(name).orElseThrow();
                Tensor e = io.get(name.equals("features") ? "pooled" : name);
                assertThat(a.shape().asArray()).containsExactly(e.dim(0), e.dim(1));
                for (int i = 0; i < e.size(); i++) {
                    double actual = a.getFloat(i / e.dim(1), i % e.dim(1));
                    assertThat(actual).as("%s[%d]", name, i)
                            .isCloseTo(e.get(i), within(1e-4 * Math.max(1, Math.abs(e.get(i)))));
                }
            }
        }
    }

    @Test
    void anUnknownFormatIsRefusedAndNothingIsWritten() {
        Path out = dir.resolve("x");
        MainRun r = MainRun.of("export", "--format", "onnx", "--arch", "regnet_y_400mf", "--weights",
                fixture("regnety_tiny.weights.safetensors").toString(), "--output", out.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--format must be savedmodel");
        assertThat(out).doesNotExist();
    }

    @Test
    void weightsOfAnotherArchitectureAreRefusedWithAHint() {
        Path out = dir.resolve("y");
        MainRun r = MainRun.of("export", "--format", "savedmodel", "--arch", "custom", "--depth", "6", "--w0", "16",
                "--wa", "16", "--wm", "2", "--group-width", "8", "--stem-width", "16",
                "--weights", fixture("regnety_tiny.weights.safetensors").toString(), "--output", out.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("wrong --arch or --rounding?");
        assertThat(out).doesNotExist();
    }

    private static Path fixture(String name) {
        try {
            return Path.of(ExportCommandTest.class.getResource("/fixtures/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }
}
