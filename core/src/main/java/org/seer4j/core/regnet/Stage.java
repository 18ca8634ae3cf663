package org.seer4j.core.regnet;

/**
 * One quantised stage after group compatibility.
 *
 * @param width           output width of every block of the stage
 * @param depth           number of blocks
 * @param groupWidth      group width actually used (may be smaller than the spec's)
 * @param bottleneckWidth width of the 3x3 group convolution
 * @param stride          stride of the stage's first block
 */
public record Stage(int width, int depth, int groupWidth, int bottleneckWidth, int stride) {
    public int groups() {
        return bottleneckWidth / groupWidth;
    }
}
