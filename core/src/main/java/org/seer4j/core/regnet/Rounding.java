package org.seer4j.core.regnet;

/** How a stage's bottleneck width is made a multiple of its group width; the two conventions give different nets. */
public enum Rounding {
    /** pycls / ClassyVision / VISSL / timm: nearest multiple of g (of lcm(g, b) when b > 1). */
    PYCLS,
    /** torchvision: max(g, floor((w_b + g/2) / g) * g), plus one more g if below 0.9 * w_b. */
    TORCHVISION
}
