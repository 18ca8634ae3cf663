package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.port.OpKind;
import org.seer4j.core.port.OpTime;
import org.seer4j.core.port.ProfiledStep;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.StepProfile;
import org.seer4j.core.tensor.Tensor;

class TorchProfileTest {

    private static String event(String name, double ts, double dur, String shape) {
        return "{\"name\": \"" + name + "\", \"ph\": \"X\", \"ts\": " + ts + ", \"dur\": " + dur
                + ", \"tid\": 1, \"pid\": \"CPU Functions\", \"shape\": " + shape + ", \"cpu mem\": \"0 b\", \"args\": {}}";
    }

    @Test
    void outermostEventsAreClassifiedByNameAndWeightShapeAndRegionsTakeTheirWallTime(@TempDir Path dir)
            throws Exception {
        // times in microseconds from the profiler's start; the step lasted 10 ms
        Path trace = dir.resolve("trace.json");
        Files.writeString(trace, "[\n" + String.join(",\n",
                // a grouped 3x3 forward (1000 us) with a nested kernel that must not count twice
                event("aten::conv2d", 100, 1000, "[[2, 8, 4, 4], [8, 2, 3, 3], [], []]"),
                event("aten::mkldnn_convolution", 110, 900, "[[2, 8, 4, 4], [8, 2, 3, 3]]"),
                // a 1x1 as a product of pixels [32, 4] by the kernel [4, 8] (weight [8, 4, 1, 1])
                event("aten::matmul", 1200, 300, "[[32, 4], [4, 8]]"),
                event("aten::batch_norm", 1600, 200, "[[2, 8, 4, 4], [8], [8], [8], [8]]"),
                // inside the head region (3000-4000 us): counted as the region's 1 ms, not by name
                event("aten::batch_norm", 3100, 500, "[[2, 16], [16], [16], [16], [16]]"),
                // backward: the product's node, whose weight gradient [4, 32] x [32, 8] and input gradient
                // [32, 8] x [8, 4] both name the 1x1 kernel; a pixel count that happens to match nothing else
                event("autograd::engine::evaluate_function: MmBackward0", 5000, 700, "[[32, 8]]"),
                event("aten::mm", 5010, 300, "[[4, 32], [32, 8]]"),
                event("aten::mm", 5320, 300, "[[32, 8], [8, 4]]"),
                event("autograd::engine::evaluate_function: ConvolutionBackward0", 6000, 2000, "[[2, 8, 4, 4]]"),
                event("aten::convolution_backward", 6010, 1980, "[[2, 8, 4, 4], [2, 8, 4, 4], [8, 2, 3, 3]]"),
                event("autograd::engine::evaluate_function: ReluBackward0", 8100, 100, "[[2, 8, 4, 4]]"),
                // squeeze-excitation's pool: a sum over the pixels (forward) and its broadcast backward
                event("aten::sum", 8200, 40, "[[2, 8, 4, 4], [], [], []]"),
                event("autograd::engine::evaluate_function: SumBackward1", 8250, 30, "[[2, 8, 1, 1]]"),
                event("autograd::engine::evaluate_function: PermuteBackward0", 8300, 50, "[[2, 8, 4, 4]]")) + "\n]\n");
        long start = 1_000_000_000L;
        List<StepTimeline.Region> regions = List.of(
                new StepTimeline.Region(OpKind.HEAD, false, start + 3_000_000, start + 4_000_000));
        Map<List<Long>, OpKind> weights = Map.of(List.of(8L, 2L, 3L, 3L), OpKind.GROUPED_CONV_3X3,
                List.of(8L, 4L, 1L, 1L), OpKind.CONV_1X1, List.of(8L, 4L), OpKind.CONV_1X1);
        StepProfile p = new TorchProfile(weights).read(trace, start, 10_000_000, regions);

        assertThat(p.stepMs()).isCloseTo(10, within(1e-9));
        assertTime(p.get(OpKind.GROUPED_CONV_3X3), 1.0, 2.0, 2);
        assertTime(p.get(OpKind.CONV_1X1), 0.3, 0.7, 2);
        assertTime(p.get(OpKind.BATCH_NORM), 0.2, 0, 1);
        assertTime(p.get(OpKind.HEAD), 1.0, 0, 1);
        assertTime(p.get(OpKind.ACTIVATION), 0, 0.1, 1);
        assertTime(p.get(OpKind.SQUEEZE_EXCITATION), 0.04, 0.03, 2);
        assertTime(p.get(OpKind.OTHER), 0, 0.05, 1);
        // 10 ms minus the 5.42 ms the events and the region cover
        assertThat(p.get(OpKind.UNATTRIBUTED).totalMs()).isCloseTo(4.58, within(1e-9));
        assertThat(p.ops().stream().mapToDouble(OpTime::totalMs).sum()).isCloseTo(10, within(1e-9));
    }

    private static void assertTime(OpTime t, double forward, double backward, long calls) {
        assertThat(t.forwardMs()).as(t.kind() + " forward").isCloseTo(forward, within(1e-9));
        assertThat(t.backwardMs()).as(t.kind() + " backward").isCloseTo(backward, within(1e-9));
        assertThat(t.calls()).as(t.kind() + " calls").isEqualTo(calls);
    }

    @Test
    void aProfiledStepUpdatesTheModelAsAPlainStepAndAccountsForItsWallTime() {
        var settings = TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10), 4);
        var def = TinyNets.swav(true, true, 10);
        try (DjlSwavModel plain = TinyNets.open(def, settings, DataType.FLOAT32, 61);
             DjlSwavModel profiled = TinyNets.open(def, settings, DataType.FLOAT32, 61)) {
            var batch = TinyNets.batch(4, 3);
            plain.step(batch, new StepPlan(0, 0.1, false, false));
            ProfiledStep r = profiled.profiledStep(batch, new StepPlan(0, 0.1, false, false));
            Map<String, Tensor> expected = plain.weights();
            Map<String, Tensor> actual = profiled.weights();
            for (String name : expected.keySet()) {
                Tensor e = expected.get(name);
                Tensor a = actual.get(name);
                for (int i = 0; i < e.size(); i++) assertThat(a.get(i)).as(name).isCloseTo(e.get(i), within(1e-5f));
            }
            StepProfile p = r.profile();
            assertThat(p.method()).contains("libtorch profiler");
            for (OpKind k : List.of(OpKind.STEM_CONV, OpKind.CONV_1X1, OpKind.GROUPED_CONV_3X3, OpKind.BATCH_NORM,
                    OpKind.ACTIVATION, OpKind.HEAD, OpKind.SINKHORN, OpKind.OPTIMIZER, OpKind.DATA)) {
                assertThat(p.get(k).totalMs()).as(k.toString()).isPositive();
            }
            assertThat(p.get(OpKind.GROUPED_CONV_3X3).backwardMs()).isPositive();
            assertThat(p.ops().stream().mapToDouble(OpTime::totalMs).sum()).isCloseTo(p.stepMs(),
                    within(p.stepMs() * 0.05));
        }
    }
}
