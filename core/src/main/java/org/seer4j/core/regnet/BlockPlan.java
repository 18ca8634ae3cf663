package org.seer4j.core.regnet;

/**
 * Everything an engine needs to build one residual block.
 *
 * @param stage           1-based stage number (the S of {@code trunk_output.blockS.blockS-i})
 * @param index           0-based block number inside its stage (the i)
 * @param inWidth         input channels
 * @param outWidth        output channels
 * @param bottleneckWidth channels of the 3x3 group convolution
 * @param groups          groups of the 3x3 convolution
 * @param stride          stride of the 3x3 convolution and of the projection
 * @param seWidth         squeeze-excitation hidden width, 0 when the block has no SE
 */
public record BlockPlan(int stage, int index, int inWidth, int outWidth, int bottleneckWidth, int groups,
                        int stride, int seWidth) {

    /** A projection shortcut (1x1 conv + BN) replaces the identity when width or resolution changes. */
    public boolean hasProjection() {
        return inWidth != outWidth || stride != 1;
    }

    public boolean hasSe() {
        return seWidth > 0;
    }

    /** The interchange-name prefix of this block, e.g. {@code trunk_output.block2.block2-0}. */
    public String prefix() {
        return "trunk_output.block" + stage + ".block" + stage + "-" + index;
    }
}
