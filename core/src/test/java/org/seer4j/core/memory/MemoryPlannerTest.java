package org.seer4j.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.config.ModelConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.TrainConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.model.HeadSpec;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.regnet.BlockPlan;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Stage;
import org.seer4j.core.views.CropGroup;

class MemoryPlannerTest {
    /**
     * A net small enough to count by hand: stem 4 (3x3, stride 2), one block 4 -> 8 channels, bottleneck 8 in 2
     * groups, stride 2, SE width 1; head 8 -> 6 -> 5 without BN; 7 prototypes.
     */
    private static final RegNetPlan TINY_TRUNK = new RegNetPlan(new RegNetSpec(1, 8, 8, 2, 4, 1, 0.25, 4,
            org.seer4j.core.regnet.Rounding.PYCLS), List.of(new Stage(8, 1, 4, 8, 2)),
            List.of(new BlockPlan(1, 0, 4, 8, 8, 2, 2, 1)));
    private static final ModelDefinition TINY = new ModelDefinition(TINY_TRUNK, 2, new HeadSpec(8, List.of(6, 5),
            false), 7, 0);
    /** A profile that adds nothing, so the exact terms stand alone. */
    private static final EngineMemoryProfile EXACT = new EngineMemoryProfile("exact", 0, false, false, false, true, 1.0,
            0.0);

    @Test
    void countsEveryKeptActivationOfTheTinyNetByHand() {
        // 8x8 images. image 3*64 = 192. stem: conv out 4*4*4 = 64, ReLU out 64 -> 128.
        // block (h = 4, h' = 2): f.a conv out and ReLU out 2 * 8 * 16 = 256; f.b conv out, ReLU out, SE product
        // 3 * 8 * 4 = 96; f.c conv out and block ReLU out 2 * 8 * 4 = 64; projection conv out 8 * 4 = 32;
        // SE pooled 8 + gates 8 + hidden 1 = 17 -> 465.
        // head: pooled 8, linear 6 + ReLU 6, linear 5, normalised 5, scores 7 + log-softmax 7 -> 44.
        ActivationCount a = ActivationCount.of(TINY, 8);
        assertThat(a.totalValues()).isEqualTo(192 + 128 + 465 + 44);
        // checkpointing keeps the image, the stem and the head; the one stage (465) is rebuilt in backward
        assertThat(a.checkpointedValues(false)).isEqualTo(192 + 128 + 44);
        assertThat(a.largestSegmentValues(false)).isEqualTo(465);
        // one stage of one block: checkpointing per block keeps the same
        assertThat(a.checkpointedValues(true)).isEqualTo(192 + 128 + 44);
        assertThat(a.largestTensor()).isEqualTo(128); // f.a's 8 x 4 x 4
    }

    @Test
    void weightsGradientsAndMomentumAreExactByteCountsOfTheParameters() {
        // trainable: stem conv 4*3*9 = 108 + BN 8; projection 8*4 = 32 + 16; f.a 8*4 = 32 + 16;
        // f.b 8*(8/2)*9 = 288 + 16; SE 8 + 1 + 8 + 8 = 25; f.c 8*8 = 64 + 16; head 8*6 + 6 = 54, 6*5 + 5 = 35;
        // prototypes 7*5 = 35 -> 745. Running statistics: 2 * (4 + 8 + 8 + 8 + 8) = 72.
        MemoryPlanner.Switches s = new MemoryPlanner.Switches(3, false, "float32", true, 0, 2);
        MemoryPlan p = MemoryPlanner.plan(TINY, List.of(new CropGroup(2, 8, 0.5, 1)), s, EXACT);
        assertThat(p.params()).isEqualTo(745);
        assertThat(p.weightsBytes()).isEqualTo(4L * (745 + 72));
        assertThat(p.gradientsBytes()).isEqualTo(4L * 745);
        assertThat(p.optimizerBytes()).isEqualTo(4L * 745);
        // 2 crops x 3 images, 829 values each, 4 bytes
        assertThat(p.activationsBytes()).isEqualTo(6L * 829 * 4);
        assertThat(p.peakBytes()).isEqualTo(4L * (745 + 72) + 8L * 745 + 6L * 829 * 4);

        MemoryPlan half = MemoryPlanner.plan(TINY, List.of(new CropGroup(2, 8, 0.5, 1)),
                new MemoryPlanner.Switches(3, true, "bfloat16", true, 0, 2), EXACT);
        assertThat(half.optimizerBytes()).isEqualTo(2L * 745);
        assertThat(half.activationsBytes()).isEqualTo(6L * 364 * 4 + 6L * 465 * 4);

        // an engine that updates segment by segment holds the largest segment's gradients: the block's
        // 32 + 16 + 32 + 16 + 288 + 16 + 25 + 64 + 16 = 505 (the stem has 116, the head 124)
        EngineMemoryProfile perSegment = new EngineMemoryProfile("segments", 0, true, false, true, true, 1.0, 0.0);
        assertThat(MemoryPlanner.plan(TINY, List.of(new CropGroup(2, 8, 0.5, 1)), s, perSegment).gradientsBytes())
                .isEqualTo(4L * 505);
        // one that differentiates the crop groups together holds each group's partial gradients before summing
        EngineMemoryProfile perGroup = new EngineMemoryProfile("groups", 0, true, true, true, true, 1.0, 0.0);
        assertThat(MemoryPlanner.plan(TINY, List.of(new CropGroup(2, 8, 0.5, 1), new CropGroup(4, 4, 0.05, 0.14)),
                s, perGroup).gradientsBytes()).isEqualTo(2 * 4L * 505);
    }

    @Test
    void checkpointingPerBlockKeepsEachBlocksInputAndRebuildsTheLargestBlock() {
        // RegNetY-200MF at 32 px: blocks and stages from the plan, counted by the same per-block rule
        ModelDefinition m = new ModelDefinition(org.seer4j.core.regnet.RegNetGenerator.plan(
                org.seer4j.core.regnet.RegNetPresets.find("regnety_200mf").orElseThrow()), 2, null, 0, 0);
        ActivationCount a = ActivationCount.of(m, 32);
        long blocks = java.util.Arrays.stream(a.blockValues()).sum();
        assertThat(java.util.Arrays.stream(a.stageValues()).sum()).isEqualTo(blocks);
        long inputsAfterFirst = java.util.Arrays.stream(a.blockInputValues()).skip(1).sum();
        assertThat(a.checkpointedValues(true)).isEqualTo(a.totalValues() - blocks + inputsAfterFirst);
        assertThat(a.largestSegmentValues(true)).isEqualTo(java.util.Arrays.stream(a.blockValues()).max().orElseThrow());
        assertThat(a.largestSegmentValues(true)).isLessThan(a.largestSegmentValues(false));
    }

    @Test
    void seersFullNetworkHasTheTrunkOfTheReferencePlusTheHeadItsRecipeNames() {
        // trunk 1,272,156,138 (reference/regnet.md, and the count); head 10444-8192-8192-256 with biases,
        // 16000 x 256 prototypes
        long head = 10444L * 8192 + 8192 + 8192L * 8192 + 8192 + 8192L * 256 + 256 + 16000L * 256;
        RunConfig seer = seer(2, false);
        MemoryPlan p = MemoryPlanner.plan(seer, 1);
        assertThat(p.params()).isEqualTo(1_272_156_138L + head).isEqualTo(1_431_032_042L);
        // DJL updates block by block: the largest block's gradients are alive at once, not all 5.7 GB
        assertThat(p.gradientsBytes()).isLessThan(p.params());
        // a data-parallel worker of four holds a quarter of a batch of 8, the same as one worker of batch 2
        assertThat(MemoryPlanner.plan(seer(8, false), 4).activationsBytes()).isEqualTo(p.activationsBytes());
        assertThat(p.advice()).anyMatch(a -> a.startsWith("train.activation_checkpointing: true"))
                .noneMatch(a -> a.startsWith("optim.state_dtype")); // DJL keeps float32 state only
        assertThat(MemoryPlanner.plan(seer(2, false, "tensorflow"), 1).advice())
                .anyMatch(a -> a.startsWith("optim.state_dtype: bfloat16"));
        assertThat(MemoryPlanner.plan(seer(2, true), 1).activationsBytes()).isLessThan(p.activationsBytes());
    }

    @Test
    void shardedOptimizerStateDividesEachWorkersMomentumByTheWorkersUpToOneTensor() {
        RunConfig plain = seer(8, false);
        RunConfig d = plain;
        RunConfig sharded = new RunConfig(d.model(), d.views(), d.swav(), d.optim(), d.train(), d.data(),
                new org.seer4j.core.config.BackendConfig("djl", "cpu", 0, 0, true), d.eval(), d.output());
        MemoryPlan whole = MemoryPlanner.plan(plain, 4);
        MemoryPlan quarter = MemoryPlanner.plan(sharded, 4);
        // float32 momentum of every trainable value: 4 bytes x (the trunk and head counted above)
        assertThat(whole.optimizerBytes()).isEqualTo(4L * 1_431_032_042L);
        // the largest tensor is a 10444 x 8192 head weight (85.6M values): a worker's share is at most a quarter
        // plus that one tensor
        assertThat(quarter.optimizerBytes()).isGreaterThanOrEqualTo(whole.optimizerBytes() / 4)
                .isLessThanOrEqualTo(whole.optimizerBytes() / 4 + 4L * 10444 * 8192);
        assertThat(quarter.peakBytes()).isEqualTo(whole.peakBytes() - whole.optimizerBytes()
                + quarter.optimizerBytes());
        // one worker keeps everything, sharded or not
        assertThat(MemoryPlanner.plan(sharded, 1).optimizerBytes()).isEqualTo(MemoryPlanner.plan(plain, 1)
                .optimizerBytes());
    }

    @Test
    void theTensorflowEnginesShardedStateIsTheSameShareAndHalvesInBfloat16() {
        RunConfig d = seer(8, false, "tensorflow");
        RunConfig sharded = new RunConfig(d.model(), d.views(), d.swav(), d.optim(), d.train(), d.data(),
                new org.seer4j.core.config.BackendConfig("tensorflow", "cpu", 0, 0, true), d.eval(), d.output());
        RunConfig djl = new RunConfig(d.model(), d.views(), d.swav(), d.optim(), d.train(), d.data(),
                new org.seer4j.core.config.BackendConfig("djl", "cpu", 0, 0, true), d.eval(), d.output());
        org.seer4j.core.config.OptimConfig o = d.optim();
        RunConfig bf16 = new RunConfig(d.model(), d.views(), d.swav(), new org.seer4j.core.config.OptimConfig(o.name(),
                o.momentum(), o.weightDecay(), o.baseLr(), o.lrBatchSize(), o.warmupStartLr(), o.finalLrRatio(),
                o.warmupSteps(), o.larsTrust(), o.larsClip(), o.larsExcludeBiasAndNorm(), "bfloat16"), d.train(),
                d.data(), sharded.backend(), d.eval(), d.output());
        long whole = MemoryPlanner.plan(d, 4).optimizerBytes();
        long quarter = MemoryPlanner.plan(sharded, 4).optimizerBytes();
        // both engines shard by the same rule, so a TensorFlow worker's share is DJL's: a quarter plus at most
        // the 10444 x 8192 head weight
        assertThat(quarter).isEqualTo(MemoryPlanner.plan(djl, 4).optimizerBytes())
                .isBetween(whole / 4, whole / 4 + 4L * 10444 * 8192);
        // bfloat16 momentum: 2 bytes per value of the same share
        assertThat(MemoryPlanner.plan(bf16, 4).optimizerBytes()).isEqualTo(quarter / 2);
    }

    private static RunConfig seer(int batch, boolean checkpointing) {
        return seer(batch, checkpointing, "djl");
    }

    private static RunConfig seer(int batch, boolean checkpointing, String engine) {
        RunConfig d = RunConfig.defaults();
        return new RunConfig(new ModelConfig("seer_regnet_y_256gf", null, null, 2, List.of(8192, 8192, 256), false),
                new ViewsConfig(List.of(new CropGroup(2, 64, 0.14, 1), new CropGroup(4, 32, 0.05, 0.14)), List.of(0, 1),
                        d.views().augmentation()),
                new SwavConfig(16000, 0.1, 0.05, 3, 0, 0, 0), d.optim(),
                new TrainConfig(batch, 0, 2, 0, 1, 0, 1, checkpointing), d.data(),
                new org.seer4j.core.config.BackendConfig(engine, "cpu", 0, 0), d.eval(), d.output());
    }
}
