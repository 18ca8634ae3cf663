package org.seer4j.app.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.seer4j.app.testing.MainRun;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.json.Json;
import org.seer4j.data.safetensors.SafetensorsFile;

/**
 * PyTorch checkpoints written by scripts/make_import_fixtures.py (torchvision RegNetY and RegNetX state dicts in
 * the zip and legacy formats, float16 and bfloat16, a VISSL/SEER checkpoint with a SwAV head) go through
 * {@code seer4j import} and then {@code forward} without {@code --arch}, in both engines, and give torchvision's
 * pooled features; the design {@code import} reports is the one the script built.
 */
class ImportedCheckpointsTest {
    private static final double RELATIVE = 1e-4;
    private static final List<String> FIXTURES = List.of("tv_regnety.pth", "tv_regnetx.pth", "tv_regnety_legacy.pth",
            "tv_regnety_f16.pth", "tv_regnety_bf16.pth", "vissl_regnety.torch");
    @TempDir
    Path dir;

    /** Every file in DJL; the RegNetY, RegNetX and VISSL files in TensorFlow too (storage formats are engine-blind). */
    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String f : FIXTURES) all.add(Arguments.of("djl", f));
        for (String f : List.of("tv_regnety.pth", "tv_regnetx.pth", "vissl_regnety.torch")) all.add(Arguments.of("tensorflow", f));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1} imported gives torchvision''s pooled features")
    @MethodSource("cases")
    void importedWeightsGiveTorchvisionsPooledFeatures(String engine, String fixture) throws Exception {
        String stem = fixture.substring(0, fixture.indexOf('.'));
        Path expectedFile = fixture(stem + ".expected.safetensors");
        Path imported = dir.resolve(stem + ".safetensors");
        MainRun imports = run("import", fixture(fixture).toString(), "--output", imported.toString(), "--json");
        @SuppressWarnings("unchecked")
        Map<String, Object> report = (Map<String, Object>) Json.parse(imports.out().trim());
        Map<String, String> meta = new SafetensorsFile().metadata(expectedFile);
        assertThat(ints(report.get("widths"))).isEqualTo(ints(Json.parse(meta.get("widths"))));
        assertThat(ints(report.get("depths"))).isEqualTo(ints(Json.parse(meta.get("depths"))));
        assertThat(ints(report.get("groupWidths"))).isEqualTo(ints(Json.parse(meta.get("group_widths"))));
        assertThat(((Number) report.get("stemWidth")).intValue()).isEqualTo(Integer.parseInt(meta.get("stem_width")));
        assertThat(((Number) report.get("seRatio")).doubleValue()).isEqualTo(Double.parseDouble(meta.get("se_ratio")));
        assertThat(report.get("arch")).isEqualTo("custom");
        assertThat(report).containsKeys("format", "params", "tensors", "skipped");

        Path features = dir.resolve(stem + ".features.safetensors");
        run("forward", "--backend", engine, "--threads", "1", "--weights", imported.toString(),
                "--input", expectedFile.toString(), "--output", features.toString());
        assertPooledMatches(features, expectedFile);
    }

    @Test
    void forwardReadsAVisslCheckpointDirectly() throws Exception {
        Path expectedFile = fixture("vissl_regnety.expected.safetensors");
        Path features = dir.resolve("direct.safetensors");
        run("forward", "--backend", "djl", "--threads", "1", "--weights", fixture("vissl_regnety.torch").toString(),
                "--input", expectedFile.toString(), "--output", features.toString());
        assertPooledMatches(features, expectedFile);
    }

    /** Runs a command that must succeed. */
    private static MainRun run(String... args) {
        MainRun r = MainRun.of(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isZero();
        return r;
    }

    /** Element-wise within 1e-4 of the expected value, relative to the larger of it and a tenth of the largest. */
    private static void assertPooledMatches(Path features, Path expectedFile) throws Exception {
        Tensor actual = new SafetensorsFile().read(features).get("pooled");
        Tensor expected = new SafetensorsFile().read(expectedFile).get("pooled");
        assertThat(actual.shape()).containsExactly(expected.shape());
        double largest = 0;
        for (int i = 0; i < expected.size(); i++) largest = Math.max(largest, Math.abs(expected.get(i)));
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i);
            assertThat((double) actual.get(i)).as("pooled[%d]", i)
                    .isCloseTo(e, within(RELATIVE * Math.max(Math.abs(e), 0.1 * largest)));
        }
    }

    private static List<Integer> ints(Object jsonList) {
        return ((List<?>) jsonList).stream().map(n -> ((Number) n).intValue()).toList();
    }

    private static Path fixture(String name) throws Exception {
        var url = ImportedCheckpointsTest.class.getResource("/fixtures/import/" + name);
        if (url == null) throw new IllegalStateException("missing fixture " + name + "; run scripts/make_import_fixtures.py");
        return Path.of(url.toURI());
    }
}
