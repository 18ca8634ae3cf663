package org.seer4j.tensorflow.archfixture;

import org.seer4j.djl.archfixture.DjlUsingData;

/** A deliberate violation (one engine adapter using the other) for ArchitectureTest. Test code only. */
public final class TensorflowUsingDjl {
    public Object other() {
        return new DjlUsingData();
    }
}
