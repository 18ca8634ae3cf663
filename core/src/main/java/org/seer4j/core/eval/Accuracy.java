package org.seer4j.core.eval;

/** Top-1 accuracy. */
public final class Accuracy {
    private Accuracy() {
    }

    /** Share of rows whose prediction equals the label, in [0, 1]. */
    public static double top1(int[] predicted, int[] labels) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + labels.length + " labels");
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("accuracy of no examples is undefined");
        }
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                right++;
            }
        }
        return (double) right / labels.length;
    }
}
