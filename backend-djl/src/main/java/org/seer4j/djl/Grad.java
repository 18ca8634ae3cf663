package org.seer4j.djl;

import ai.djl.pytorch.jni.JniUtils;

/** Torch's global autograd switch, restored after the work (in-place writes to leaves need it off). */
final class Grad {
    private Grad() {
    }

    static void withoutGradient(Runnable work) {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            work.run();
        } finally {
            JniUtils.setGradMode(was);
        }
    }
}
