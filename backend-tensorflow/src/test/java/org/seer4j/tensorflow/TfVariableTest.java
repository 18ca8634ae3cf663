package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/** Zeroing variables (the momentum buffers when a model opens). */
class TfVariableTest {

    /**
     * Each variable's zeros are filled when the run executes, into a buffer the variable then owns. A constant
     * fill would be folded by Grappler into Const nodes (one per shape) whose tensors the run's cached executor
     * keeps for the session's life while the variables share them, until each variable's first update copies it:
     * 3.6 GB of dead zeros next to SEER's 256GF momentum. The trace shows which ops ran.
     */
    @Test
    void zerosAreFilledWhenTheRunExecutesNotFoldedIntoKeptConstants() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            // two of one shape (folded constants would be shared between them), one stored as bfloat16
            List<TfVariable> vars = List.of(
                    TfVariable.create(tf, "momentum", "a", TfVariable.Kind.CONV, 8, 4, 3, 3),
                    TfVariable.create(tf, "momentum", "b", TfVariable.Kind.CONV, 8, 4, 3, 3),
                    TfVariable.create(tf, "momentum", "c", TfVariable.Kind.LINEAR, TBfloat16.class, 5, 6));
            try (Session s = new Session(g); TFloat32 zero = TFloat32.scalarOf(0f)) {
                Session.Runner r = s.runner();
                vars.forEach(v -> r.feed(v.zeroValue(), zero).addTarget(v.zero()));
                r.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
                RunMetadata trace;
                try (Result res = r.runAndFetchMetadata()) {
                    trace = res.getMetadata().orElseThrow();
                }
                Set<String> fills = trace.getStepStats().getDevStatsList().stream()
                        .map(DeviceStepStats::getNodeStatsList).flatMap(List::stream)
                        .filter(n -> n.getTimelineLabel().contains("= Fill("))
                        .map(NodeExecStats::getNodeName).collect(Collectors.toSet());
                assertThat(fills).containsExactlyInAnyOrder("a/zero_fill", "b/zero_fill", "c/zero_fill");

                Session.Runner read = s.runner();
                vars.forEach(v -> read.fetch(v.read()));
                try (Result values = read.run()) {
                    for (int i = 0; i < vars.size(); i++) {
                        float[] v = TfTensors.fromTf(values.get(i)).toArray();
                        assertThat(v).hasSize((int) vars.get(i).size()).containsOnly(0f);
                    }
                }
            }
        }
    }
}
