package org.seer4j.app.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.Features;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.regnet.Stage;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.safetensors.SafetensorsFile;
import org.seer4j.djl.DjlEngine;
import org.seer4j.tensorflow.TensorFlowEngine;

/**
 * Every engine, given weights exported from torchvision's RegNet (eval mode, non-trivial BN statistics), computes
 * the pooled trunk features and logits torchvision computed. Fixtures: scripts/make_torchvision_fixtures.py.
 * Another engine joins by adding it to {@link #engines()}.
 */
class TorchvisionEquivalenceTest {
    private static final double RELATIVE = 1e-4;

    static Stream<Arguments> cases() {
        return engines().flatMap(e -> Stream.of("regnety_tiny", "regnetx_tiny").map(f -> Arguments.of(e, f)));
    }

    static Stream<Engine> engines() {
        return Stream.of(new DjlEngine(), new TensorFlowEngine());
    }

    @ParameterizedTest(name = "{0} matches torchvision on {1}")
    @MethodSource("cases")
    void pooledFeaturesAndLogitsMatchTorchvision(Engine engine, String fixture) throws Exception {
        SafetensorsFile files = new SafetensorsFile();
        Path weightsFile = fixture(fixture + ".weights.safetensors");
        Map<String, String> meta = files.metadata(weightsFile);
        Map<String, Tensor> weights = files.read(weightsFile);
        Map<String, Tensor> io = files.read(fixture(fixture + ".io.safetensors"));

        RegNetSpec spec = new RegNetSpec(Integer.parseInt(meta.get("depth")), Integer.parseInt(meta.get("w0")),
                Double.parseDouble(meta.get("wa")), Double.parseDouble(meta.get("wm")),
                Integer.parseInt(meta.get("group_width")), 1.0, Double.parseDouble(meta.get("se_ratio")),
                Integer.parseInt(meta.get("stem_width")), Rounding.TORCHVISION);
        RegNetPlan plan = RegNetGenerator.plan(spec);
        assertThat(plan.stages().stream().map(Stage::width).toList().toString()).isEqualTo(meta.get("stage_widths"));

        int classes = Integer.parseInt(meta.get("classes"));
        EngineSettings settings = new EngineSettings("cpu", 1, 0, null, null, null, 1, Collective.SINGLE);
        try (SwavModel model = engine.open(ModelDefinition.trunkOnly(plan, 2, classes), settings)) {
            assertThat(weights.keySet()).containsExactlyInAnyOrderElementsOf(model.weights().keySet());
            model.loadWeights(weights);
            Features f = model.infer(io.get("input"));
            assertRelativelyClose(f.pooled(), io.get("pooled"));
            assertRelativelyClose(f.logits(), io.get("logits"));
        }
    }

    /** Element-wise within 1e-4 of the expected value, relative to the larger of it and a tenth of the largest. */
    private static void assertRelativelyClose(Tensor actual, Tensor expected) {
        assertThat(actual.shape()).containsExactly(expected.shape());
        double largest = 0;
        for (int i = 0; i < expected.size(); i++) largest = Math.max(largest, Math.abs(expected.get(i)));
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i);
            double tol = RELATIVE * Math.max(Math.abs(e), 0.1 * largest);
            assertThat((double) actual.get(i)).as("element %d of %s", i, Arrays.toString(expected.shape()))
                    .isCloseTo(e, org.assertj.core.api.Assertions.within(tol));
        }
    }

    private static Path fixture(String name) throws URISyntaxException, IOException {
        var url = TorchvisionEquivalenceTest.class.getResource("/fixtures/" + name);
        if (url == null) throw new IOException("missing test fixture " + name + "; run scripts/make_torchvision_fixtures.py");
        return Path.of(url.toURI());
    }
}
