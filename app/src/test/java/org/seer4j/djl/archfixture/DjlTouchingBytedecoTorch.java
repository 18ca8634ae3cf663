package org.seer4j.djl.archfixture;

import org.bytedeco.pytorch.Tensor;

/**
 * A deliberate violation (a class beside DJL's engine referring to bytedeco's libtorch) that ArchitectureTest's
 * sidecar rule must catch. Never run: loading the class would load bytedeco's natives.
 */
public final class DjlTouchingBytedecoTorch {
    public long size(Tensor t) {
        return t.numel();
    }
}
