package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.OpKind;
import org.seer4j.core.port.OpTime;
import org.seer4j.core.port.StepProfile;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.StepStats;

class TfOpProfileTest {

    private static NodeExecStats node(String name, String type, long startMicros, long durationMicros) {
        return NodeExecStats.newBuilder().setNodeName(name).setTimelineLabel(name + " = " + type + "(x, y)")
                .setAllStartMicros(startMicros).setAllEndRelMicros(durationMicros).build();
    }

    @Test
    void opsRunningAtOnceShareTheirTimeSoTheKindsAddUpToTheBusyTime() {
        // 0-4 ms: conv alone; 4-6 ms: conv and relu together; 6-8 ms: relu alone; 10-11 ms: update alone
        RunMetadata m = RunMetadata.newBuilder().setStepStats(StepStats.newBuilder().addDevStats(
                DeviceStepStats.newBuilder()
                        .addNodeStats(node("train0/group0/s1b0/a/Conv2d", "_MklNativeConv2D", 1000, 6000))
                        .addNodeStats(node("train0/group0/s1b0/a/Relu", "Relu", 5000, 4000))
                        .addNodeStats(node("train0/update/ResourceApplyMomentum", "ResourceApplyMomentum", 11000, 1000))
        )).build();
        TfOpProfile p = TfOpProfile.of(m);
        assertThat(p.byKind().get(OpKind.CONV_1X1).forwardMs()).isCloseTo(4 + 1, within(1e-9));
        assertThat(p.byKind().get(OpKind.ACTIVATION).forwardMs()).isCloseTo(1 + 2, within(1e-9));
        assertThat(p.byKind().get(OpKind.OPTIMIZER).forwardMs()).isCloseTo(1, within(1e-9));
        assertThat(p.busyMs()).isCloseTo(9, within(1e-9));
        assertThat(p.byKind().get(OpKind.CONV_1X1).calls()).isEqualTo(1);
    }

    @Test
    void layersAreTakenFromScopesAndVariableNames() {
        assertThat(TfOpProfile.kind("train0/group1/stem/Conv2d", "Conv2D")).isEqualTo(OpKind.STEM_CONV);
        assertThat(TfOpProfile.kind("train0/group1/s2b1/b/Conv2d", "_MklNativeConv2D"))
                .isEqualTo(OpKind.GROUPED_CONV_3X3);
        assertThat(TfOpProfile.kind("train0/group1/s2b1/c/Conv2d", "_MklNativeConv2D")).isEqualTo(OpKind.CONV_1X1);
        // 1x1 convolutions are matrix products of pixel rows, forward and (placed by gradientScopes) backward
        assertThat(TfOpProfile.kind("train0/group1/s2b1/c/MatMul", "_MklMatMul")).isEqualTo(OpKind.CONV_1X1);
        assertThat(TfOpProfile.kind("train0_piece3/group/s2b1/proj/", "MatMul")).isEqualTo(OpKind.CONV_1X1);
        assertThat(TfOpProfile.kind("train0/MatMul", "_MklMatMul")).isEqualTo(OpKind.HEAD);
        assertThat(TfOpProfile.kind("train0/group1/s2b1/se/MatMul", "_MklMatMul"))
                .isEqualTo(OpKind.SQUEEZE_EXCITATION);
        assertThat(TfOpProfile.kind("train0/group1/s2b1/se/Conv2d", "_MklNativeFusedConv2D"))
                .isEqualTo(OpKind.SQUEEZE_EXCITATION);
        assertThat(TfOpProfile.kind("train0/group1/s2b1/c/FusedBatchNormV3", "_MklNativeFusedBatchNormV3"))
                .isEqualTo(OpKind.BATCH_NORM);
        assertThat(TfOpProfile.kind("train0/sinkhorn/Exp", "Exp")).isEqualTo(OpKind.SINKHORN);
        assertThat(TfOpProfile.layerOfVariable("variables/s3b2.f.b.0.weight/read")).isEqualTo("group/s3b2/b/");
        assertThat(TfOpProfile.layerOfVariable("variables/s1b0.proj.1.weight/read")).isEqualTo("group/s1b0/proj/");
        assertThat(TfOpProfile.layerOfVariable("variables/head.0.weight/read")).isEqualTo("head/");
        assertThat(TfOpProfile.opType("a/b = _MklNativeConv2D(a/x, a/w)")).isEqualTo("_MklNativeConv2D");
    }

    @Test
    void aTracedStepOfATinyNetAttributesForwardAndBackwardOfEveryLayerKind() {
        ModelDefinition def = TinyNets.swav(true, true, 10);
        MultiCropBatch batch = TinyNets.batch(2, 3);
        try (TfSwavModel m = TinyNets.open(def, TinyNets.settings(TinyNets.sgd(0.1), TinyNets.swavConfig(10, 0), 2),
                GroupedConv.NATIVE, 3)) {
            double untraced = m.step(batch, new StepPlan(0, 0.1, false, false)).loss();
            TfSwavModel.TracedStep t = m.tracedStep(batch, new StepPlan(1, 0.1, false, false));
            assertThat(t.result().loss()).isFinite().isNotEqualTo(untraced); // a real step: the weights moved
            Map<OpKind, TfOpProfile.Entry> k = t.profile().byKind();
            for (OpKind kind : List.of(OpKind.STEM_CONV, OpKind.CONV_1X1, OpKind.GROUPED_CONV_3X3, OpKind.SQUEEZE_EXCITATION,
                    OpKind.BATCH_NORM)) {
                assertThat(k.get(kind).forwardMs()).as(kind + " forward").isPositive();
                assertThat(k.get(kind).backwardMs()).as(kind + " backward").isPositive();
            }
            for (OpKind kind : List.of(OpKind.HEAD, OpKind.SINKHORN, OpKind.OPTIMIZER, OpKind.ACTIVATION)) {
                assertThat(k.get(kind).totalMs()).as(kind.toString()).isPositive();
            }
            assertThat(k.get(OpKind.SINKHORN).backwardMs()).isZero();
            assertThat(t.profile().busyMs()).isLessThanOrEqualTo(t.wallMs());

            StepProfile p = m.profiledStep(batch, new StepPlan(2, 0.1, false, false)).profile();
            double sum = p.ops().stream().mapToDouble(OpTime::totalMs).sum();
            assertThat(sum).isCloseTo(p.stepMs(), within(1e-6 * p.stepMs()));
            assertThat(p.get(OpKind.DATA).forwardMs()).isPositive(); // copying the crops in
            assertThat(p.get(OpKind.CONV_1X1).backwardMs()).isPositive();
        }
    }
}
