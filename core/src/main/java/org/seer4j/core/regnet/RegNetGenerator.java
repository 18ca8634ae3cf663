package org.seer4j.core.regnet;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a design-space point into quantised stages and per-block plans (Radosavovic et al., 2020, section 3.3).
 * Half-way cases round to even, as numpy and torch do, so the widths agree with pycls and torchvision.
 */
public final class RegNetGenerator {
    private static final int QUANTUM = 8;
    private static final int STRIDE = 2;

    private RegNetGenerator() {
    }

    public static RegNetPlan plan(RegNetSpec spec) {
        List<Stage> stages = stages(spec);
        return new RegNetPlan(spec, stages, blocks(stages, spec.stemWidth(), spec.seRatio()));
    }

    private static List<BlockPlan> blocks(List<Stage> stages, int stemWidth, double seRatio) {
        List<BlockPlan> blocks = new ArrayList<>();
        int in = stemWidth;
        for (int s = 0; s < stages.size(); s++) {
            Stage st = stages.get(s);
            for (int i = 0; i < st.depth(); i++) {
                int blockIn = i == 0 ? in : st.width();
                int se = seRatio > 0 ? (int) Math.rint(seRatio * blockIn) : 0;
                blocks.add(new BlockPlan(s + 1, i, blockIn, st.width(), st.bottleneckWidth(), st.groups(),
                        i == 0 ? st.stride() : 1, se));
            }
            in = st.width();
        }
        return blocks;
    }

    /** A trunk from explicit stage lists; each stage's bottleneck width is width x ratio, a multiple of its group width. */
    public static RegNetPlan plan(RegNetStages design) {
        List<Stage> stages = new ArrayList<>();
        for (int s = 0; s < design.widths().size(); s++) {
            int w = design.widths().get(s);
            int g = design.groupWidths().get(s);
            int wb = (int) Math.rint(w * design.bottleneckRatio());
            if (wb < 1 || wb % g != 0) {
                throw new IllegalArgumentException("stage " + (s + 1) + ": bottleneck width " + wb
                        + " is not a multiple of group width " + g);
            }
            stages.add(new Stage(w, design.depths().get(s), g, wb, STRIDE));
        }
        return new RegNetPlan(null, design.stemWidth(), stages, blocks(stages, design.stemWidth(), design.seRatio()));
    }

    /** Steps 1-5: per-block quantised widths, runs of equal width as stages, then group compatibility. */
    static List<Stage> stages(RegNetSpec spec) {
        List<int[]> runs = new ArrayList<>(); // {width, depth}
        for (int j = 0; j < spec.depth(); j++) {
            double u = spec.w0() + spec.wa() * j;
            double s = Math.rint(Math.log(u / spec.w0()) / Math.log(spec.wm()));
            int w = (int) Math.rint(spec.w0() * Math.pow(spec.wm(), s) / QUANTUM) * QUANTUM;
            if (!runs.isEmpty() && runs.get(runs.size() - 1)[0] == w) runs.get(runs.size() - 1)[1]++;
            else runs.add(new int[] {w, 1});
        }
        List<Stage> stages = new ArrayList<>();
        for (int[] run : runs) {
            int[] wg = spec.rounding().compatible(run[0], spec.bottleneckRatio(), spec.groupWidth());
            int wb = (int) Math.rint(wg[0] * spec.bottleneckRatio());
            if (wb < 1 || wb % wg[1] != 0) {
                throw new IllegalArgumentException("stage width " + wg[0] + " x bottleneck ratio "
                        + spec.bottleneckRatio() + " = " + wb + " is not a multiple of group width " + wg[1]);
            }
            stages.add(new Stage(wg[0], run[1], wg[1], wb, STRIDE));
        }
        return stages;
    }
}
