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
        List<BlockPlan> blocks = new ArrayList<>();
        int in = spec.stemWidth();
        for (int s = 0; s < stages.size(); s++) {
            Stage st = stages.get(s);
            for (int i = 0; i < st.depth(); i++) {
                int blockIn = i == 0 ? in : st.width();
                int se = spec.seRatio() > 0 ? (int) Math.rint(spec.seRatio() * blockIn) : 0;
                blocks.add(new BlockPlan(s + 1, i, blockIn, st.width(), st.bottleneckWidth(), st.groups(),
                        i == 0 ? st.stride() : 1, se));
            }
            in = st.width();
        }
        return new RegNetPlan(spec, stages, blocks);
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
