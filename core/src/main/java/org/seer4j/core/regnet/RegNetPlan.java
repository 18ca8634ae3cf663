package org.seer4j.core.regnet;

import java.util.List;

/**
 * A RegNet trunk resolved from its spec: quantised stages and one plan per block, in order.
 * Build it with {@link RegNetGenerator#plan(RegNetSpec)}.
 */
public record RegNetPlan(RegNetSpec spec, List<Stage> stages, List<BlockPlan> blocks) {

    public RegNetPlan {
        stages = List.copyOf(stages);
        blocks = List.copyOf(blocks);
    }

    /** Channels of the last stage: the width of pooled trunk features. */
    public int outWidth() {
        return stages.get(stages.size() - 1).width();
    }

    public int stemWidth() {
        return spec.stemWidth();
    }
}
