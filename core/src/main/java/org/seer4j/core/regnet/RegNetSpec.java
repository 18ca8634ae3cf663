package org.seer4j.core.regnet;

/**
 * A point of the RegNet design space (Radosavovic et al., 2020). Validated on construction.
 *
 * @param depth           number of blocks d
 * @param w0              initial width, a positive multiple of 8
 * @param wa              width slope, >= 0
 * @param wm              width multiplier, > 1
 * @param groupWidth      group width g of the 3x3 convolutions
 * @param bottleneckRatio b; 1.0 for every published X/Y model
 * @param seRatio         squeeze-excitation ratio of the block input width; 0 for RegNetX, 0.25 for RegNetY
 * @param stemWidth       output channels of the stem, 32 in every published model
 * @param rounding        group-compatibility rounding convention
 */
public record RegNetSpec(int depth, int w0, double wa, double wm, int groupWidth, double bottleneckRatio,
                         double seRatio, int stemWidth, Rounding rounding) {

    public RegNetSpec {
        if (depth < 1) throw new IllegalArgumentException("depth must be >= 1, got " + depth);
        if (w0 <= 0 || w0 % 8 != 0) throw new IllegalArgumentException("w0 must be a positive multiple of 8, got " + w0);
        if (!(wa >= 0) || Double.isInfinite(wa)) throw new IllegalArgumentException("wa must be >= 0, got " + wa);
        if (!(wm > 1) || Double.isInfinite(wm)) throw new IllegalArgumentException("wm must be > 1, got " + wm);
        if (groupWidth < 1) throw new IllegalArgumentException("group width must be >= 1, got " + groupWidth);
        if (!(bottleneckRatio > 0) || Double.isInfinite(bottleneckRatio))
            throw new IllegalArgumentException("bottleneck ratio must be > 0, got " + bottleneckRatio);
        if (!(seRatio >= 0) || seRatio >= 1) throw new IllegalArgumentException("SE ratio must be in [0, 1), got " + seRatio);
        if (stemWidth < 1) throw new IllegalArgumentException("stem width must be >= 1, got " + stemWidth);
        if (rounding == null) throw new IllegalArgumentException("rounding must be pycls or torchvision");
    }

    /** RegNetX: no squeeze-excitation, b = 1, stem 32, pycls rounding. */
    public static RegNetSpec x(int depth, int w0, double wa, double wm, int groupWidth) {
        return new RegNetSpec(depth, w0, wa, wm, groupWidth, 1.0, 0.0, 32, Rounding.PYCLS);
    }

    /** RegNetY: SE ratio 0.25, b = 1, stem 32, pycls rounding. */
    public static RegNetSpec y(int depth, int w0, double wa, double wm, int groupWidth) {
        return new RegNetSpec(depth, w0, wa, wm, groupWidth, 1.0, 0.25, 32, Rounding.PYCLS);
    }

    public RegNetSpec withRounding(Rounding r) {
        return new RegNetSpec(depth, w0, wa, wm, groupWidth, bottleneckRatio, seRatio, stemWidth, r);
    }
}
