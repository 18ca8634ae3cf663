package org.seer4j.djl;

import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Torch's autograd for one step: gradient recording on for the calling thread while open (torch keeps the switch
 * per thread), restored on close. DJL's {@code GradientCollector} does the same but allows one collector per JVM,
 * which rules out data-parallel workers that are threads of one process.
 */
final class Autograd implements AutoCloseable {
    private final boolean was;

    Autograd() {
        was = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Gradients of a scalar {@code loss} into every leaf; {@code keepGraph} leaves the graph for more passes. */
    void backward(PtNDArray loss, boolean keepGraph) {
        JniUtils.backward(loss, (PtNDArray) loss.onesLike(), keepGraph, false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(was);
    }
}
