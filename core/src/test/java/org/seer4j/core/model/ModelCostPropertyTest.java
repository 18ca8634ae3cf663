package org.seer4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.regnet.BlockPlan;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Stage;

/** Random design points: the generator's invariants, and costs against a per-stage closed form. */
class ModelCostPropertyTest {
    private static final int CASES = 1000;

    @Test
    void generatedPlansKeepTheStructuralInvariants() {
        Random r = new Random(20200330);
        for (int n = 0; n < CASES; n++) {
            RegNetSpec spec = RandomSpecs.next(r);
            RegNetPlan plan = RegNetGenerator.plan(spec);

            assertThat(plan.stages().stream().mapToInt(Stage::depth).sum()).as("%s", spec).isEqualTo(spec.depth());
            assertThat(plan.blocks()).hasSize(spec.depth());
            for (Stage s : plan.stages()) {
                assertThat(s.bottleneckWidth() % s.groupWidth()).as("%s", spec).isZero();
                assertThat(s.groups() * s.groupWidth()).isEqualTo(s.bottleneckWidth());
                assertThat(s.groupWidth()).isBetween(1, spec.groupWidth());
                assertThat(s.bottleneckWidth()).isEqualTo((int) Math.rint(s.width() * spec.bottleneckRatio()));
                assertThat(s.stride()).isEqualTo(2);
            }
            int in = spec.stemWidth();
            int stage = 0;
            for (BlockPlan b : plan.blocks()) {
                if (b.index() == 0) {
                    stage++;
                    assertThat(b.stride()).isEqualTo(2);
                    assertThat(b.hasProjection()).isTrue();
                } else {
                    assertThat(b.stride()).isEqualTo(1);
                    assertThat(b.hasProjection()).isFalse();
                }
                assertThat(b.stage()).isEqualTo(stage);
                assertThat(b.inWidth()).isEqualTo(in);
                assertThat(b.seWidth()).isEqualTo((int) Math.rint(spec.seRatio() * in));
                in = b.outWidth();
            }
        }
    }

    @Test
    void costsMatchAPerStageClosedForm() {
        Random r = new Random(7);
        for (int n = 0; n < CASES; n++) {
            RegNetPlan plan = RegNetGenerator.plan(RandomSpecs.next(r));
            int stemStride = 1 + r.nextInt(2);
            int classes = r.nextBoolean() ? 0 : 1 + r.nextInt(2000);
            int resolution = List.of(1, 7, 28, 32, 96, 224, 225).get(r.nextInt(7));

            ModelCost cost = ModelCost.of(plan, stemStride, classes, resolution);

            assertThat(cost).as("%s stem %d classes %d at %d", plan.spec(), stemStride, classes, resolution)
                    .isEqualTo(closedForm(plan, stemStride, classes, resolution));
        }
    }

    @Test
    void costsMatchASumOverTheParameterLayout() {
        Random r = new Random(11);
        for (int n = 0; n < CASES; n++) {
            RegNetPlan plan = RegNetGenerator.plan(RandomSpecs.next(r));
            HeadSpec head = r.nextBoolean() ? null : new HeadSpec(plan.outWidth(),
                    r.nextBoolean() ? List.of(1 + r.nextInt(300)) : List.of(1 + r.nextInt(300), 1 + r.nextInt(64)),
                    r.nextBoolean());
            ModelDefinition model = new ModelDefinition(plan, 1 + r.nextInt(2), head,
                    head == null ? 0 : r.nextInt(500), r.nextBoolean() ? 0 : 1 + r.nextInt(100));
            int resolution = 1 + r.nextInt(300);

            assertThat(ModelCost.of(model, resolution)).as("%s at %d", model, resolution)
                    .isEqualTo(fromLayout(model, resolution));
        }
    }

    /**
     * Parameters: the trainable sizes. MACs: each weight's size times the area it slides over, read off its
     * name (f.a runs at the block input's resolution, everything else in a block at the stage's output, SE at 1x1).
     */
    static ModelCost fromLayout(ModelDefinition model, int resolution) {
        int[] side = new int[model.trunk().stages().size() + 1];
        side[0] = (resolution - 1) / model.stemStride() + 1;
        for (int s = 1; s < side.length; s++) side[s] = (side[s - 1] - 1) / 2 + 1;
        long params = 0, macs = 0;
        for (ParameterSpec p : ParameterLayout.of(model)) {
            if (p.trainable()) params += p.size();
            String[] parts = p.name().split("\\.");
            long area = switch (p.kind()) {
                case LINEAR_WEIGHT, PROTOTYPES -> 1;
                case CONV_WEIGHT -> {
                    if (parts[0].equals("stem")) yield (long) side[0] * side[0];
                    int stage = Integer.parseInt(parts[1].substring("block".length()));
                    boolean firstBlock = parts[2].endsWith("-0");
                    int at = parts[4].equals("a") && firstBlock ? stage - 1 : stage;
                    yield parts[4].equals("se") ? 1 : (long) side[at] * side[at];
                }
                default -> 0;
            };
            macs += area * p.size();
        }
        return new ModelCost(params, macs);
    }

    /** Each stage as one first block plus (depth - 1) identical blocks; sides by ceil(h / stride). */
    static ModelCost closedForm(RegNetPlan plan, int stemStride, int classes, int resolution) {
        long side = ceilDiv(resolution, stemStride);
        int stem = plan.stemWidth();
        long params = 27L * stem + 2L * stem;
        long macs = 27L * stem * side * side;
        int win = stem;
        double se = plan.spec().seRatio();
        for (Stage s : plan.stages()) {
            long w = s.width(), wb = s.bottleneckWidth(), g = s.groups();
            long sideIn = side;
            side = ceilDiv(side, 2);
            long area = side * side;
            long grouped = 9 * wb * (wb / g);
            long se0 = (long) Math.rint(se * win);
            long se1 = (long) Math.rint(se * w);
            long seParams0 = se0 == 0 ? 0 : 2 * wb * se0 + se0 + wb;
            long seParams1 = se1 == 0 ? 0 : 2 * wb * se1 + se1 + wb;
            params += win * wb + grouped + wb * w + 2 * (2 * wb + w) + win * w + 2 * w + seParams0;
            params += (s.depth() - 1) * (w * wb + grouped + wb * w + 2 * (2 * wb + w) + seParams1);
            macs += sideIn * sideIn * win * wb + area * (grouped + wb * w + win * w) + 2 * wb * se0;
            macs += (s.depth() - 1) * (area * (w * wb + grouped + wb * w) + 2 * wb * se1);
            win = s.width();
        }
        if (classes > 0) {
            params += (long) win * classes + classes;
            macs += (long) win * classes;
        }
        return new ModelCost(params, macs);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
