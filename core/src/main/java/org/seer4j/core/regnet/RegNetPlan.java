package org.seer4j.core.regnet;

import java.util.List;

/**
 * A RegNet trunk resolved into quantised stages and one plan per block, in order. Built by
 * {@link RegNetGenerator#plan(RegNetSpec)} from a design-space point, or by {@link RegNetGenerator#plan(RegNetStages)}
 * from explicit stage lists (released trunks that come from no design point); {@code spec} is null for the latter.
 */
public record RegNetPlan(RegNetSpec spec, int stemWidth, List<Stage> stages, List<BlockPlan> blocks) {

    public RegNetPlan {
        stages = List.copyOf(stages);
        blocks = List.copyOf(blocks);
        if (stemWidth < 1) throw new IllegalArgumentException("stem width must be >= 1, got " + stemWidth);
    }

    public RegNetPlan(RegNetSpec spec, List<Stage> stages, List<BlockPlan> blocks) {
        this(spec, spec.stemWidth(), stages, blocks);
    }

    /** Channels of the last stage: the width of pooled trunk features. */
    public int outWidth() {
        return stages.get(stages.size() - 1).width();
    }

    /** The explicit stage lists that rebuild this plan (for a design point too). */
    public RegNetStages toStages() {
        BlockPlan first = blocks.get(0);
        double b = (double) stages.get(0).bottleneckWidth() / stages.get(0).width();
        double se = first.seWidth() == 0 ? 0 : spec != null ? spec.seRatio() : (double) first.seWidth() / first.inWidth();
        return new RegNetStages(stemWidth, stages.stream().map(Stage::width).toList(),
                stages.stream().map(Stage::depth).toList(), stages.stream().map(Stage::groupWidth).toList(), b, se);
    }
}
