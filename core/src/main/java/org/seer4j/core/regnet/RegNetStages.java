package org.seer4j.core.regnet;

import java.util.List;

/**
 * A RegNet described stage by stage, as ClassyVision's AnyNet does, for trunks that come from no design-space point
 * (the public SEER RG-256 checkpoint: widths 640/1696/2544/5088, depths 3/7/16/1, group width 640). Every stage
 * starts with a stride-2 block.
 *
 * @param stemWidth       output channels of the stem
 * @param widths          output width of each stage
 * @param depths          blocks per stage
 * @param groupWidths     group width of each stage's 3x3 convolutions
 * @param bottleneckRatio bottleneck width / stage width (1.0 in every published model)
 * @param seRatio         SE width / block input width (0: no SE)
 */
public record RegNetStages(int stemWidth, List<Integer> widths, List<Integer> depths, List<Integer> groupWidths,
                           double bottleneckRatio, double seRatio) {

    public RegNetStages {
        widths = List.copyOf(widths);
        depths = List.copyOf(depths);
        groupWidths = List.copyOf(groupWidths);
        if (stemWidth < 1) throw new IllegalArgumentException("stem width must be >= 1, got " + stemWidth);
        if (widths.isEmpty()) throw new IllegalArgumentException("at least one stage is needed");
        if (depths.size() != widths.size() || groupWidths.size() != widths.size()) {
            throw new IllegalArgumentException("widths " + widths + ", depths " + depths + " and group widths "
                    + groupWidths + " must list the same number of stages");
        }
        for (int i = 0; i < widths.size(); i++) {
            if (widths.get(i) < 1 || depths.get(i) < 1 || groupWidths.get(i) < 1) {
                throw new IllegalArgumentException("stage " + (i + 1) + ": width, depth and group width must be "
                        + ">= 1, got " + widths.get(i) + ", " + depths.get(i) + ", " + groupWidths.get(i));
            }
        }
        if (!(bottleneckRatio > 0) || Double.isInfinite(bottleneckRatio)) {
            throw new IllegalArgumentException("bottleneck ratio must be > 0, got " + bottleneckRatio);
        }
        if (!(seRatio >= 0) || seRatio >= 1) throw new IllegalArgumentException("SE ratio must be in [0, 1), got " + seRatio);
    }

    /** Stage widths, depths and group widths agree (stem and ratios too): the same trunk. */
    public boolean sameTrunk(RegNetStages o) {
        return stemWidth == o.stemWidth && widths.equals(o.widths) && depths.equals(o.depths)
                && groupWidths.equals(o.groupWidths) && Math.abs(bottleneckRatio - o.bottleneckRatio) < 1e-9
                && (seRatio == 0) == (o.seRatio == 0);
    }
}
