package org.seer4j.core.model;

import java.util.List;

/**
 * The SwAV projection head: Linear(inWidth, dims[0]) [-> BN] -> ReLU -> ... -> Linear(.., dims[last]).
 * Interchange names follow torch's {@code nn.Sequential} numbering: with BN, {@code head.0} linear, {@code head.1}
 * BN, ({@code head.2} ReLU), {@code head.3} linear; without BN, {@code head.0} linear, {@code head.2} linear.
 */
public record HeadSpec(int inWidth, List<Integer> dims, boolean batchNorm) {

    public HeadSpec {
        dims = List.copyOf(dims);
        if (inWidth < 1 || dims.isEmpty() || dims.stream().anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("head needs a positive input width and output widths, got "
                    + inWidth + " -> " + dims);
        }
    }

    public int outWidth() {
        return dims.get(dims.size() - 1);
    }
}
