package org.seer4j.tensorflow;

/**
 * How grouped 3x3 convolutions are computed. TensorFlow's own Conv2D accepts a filter with {@code in / groups}
 * input channels, but only the oneDNN kernels have a filter gradient for it; without oneDNN
 * ({@code TF_ENABLE_ONEDNN_OPTS=0}, or CPUs where TensorFlow leaves it off) training needs the split path.
 */
public enum GroupedConv {
    /** Probe once per JVM whether the native grouped filter gradient works, and use it if so. */
    AUTO,
    /** One Conv2D with a grouped filter. */
    NATIVE,
    /** Split input and filter per group, convolve each, concatenate: works on every kernel set. */
    SPLIT
}
