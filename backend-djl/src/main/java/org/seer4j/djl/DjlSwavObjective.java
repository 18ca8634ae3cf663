package org.seer4j.djl;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.SwavObjective;
import org.seer4j.core.tensor.Tensor;

/**
 * The SwAV objective as the training step computes it (same {@link SwavLossOps}), on port tensors, in float32.
 * Gradients come back under {@link #gradientName(int)}, one [B, K] tensor per crop.
 */
final class DjlSwavObjective implements SwavObjective {
    private final NDManager root;

    DjlSwavObjective(NDManager root) {
        this.root = root;
    }

    /** The key of crop {@code crop}'s score gradient in {@link #loss}'s result. */
    static String gradientName(int crop) {
        return "scores." + crop;
    }

    @Override
    public Tensor codes(Tensor scores, Tensor queueScores, double epsilon, int iterations) {
        try (PtNDManager m = (PtNDManager) root.newSubManager()) {
            PtNDArray s = Convert.toArray(m, scores, DataType.FLOAT32);
            if (queueScores != null) {
                s = JniUtils.cat(new PtNDArray[] {s, Convert.toArray(m, queueScores, DataType.FLOAT32)}, 0);
            }
            return Convert.toTensor(SwavLossOps.codes(s, scores.dim(0), epsilon, iterations));
        }
    }

    @Override
    public LossAndGradients loss(List<Tensor> scores, List<Integer> assignCrops, double temperature, double epsilon,
                                 int iterations) {
        if (scores.isEmpty()) throw new IllegalArgumentException("no crops given");
        int batch = scores.get(0).dim(0);
        try (PtNDManager m = (PtNDManager) root.newSubManager()) {
            List<PtNDArray> crops = new ArrayList<>();
            for (Tensor t : scores) crops.add(Convert.toArray(m, t, DataType.FLOAT32));
            PtNDArray all = JniUtils.cat(crops.toArray(new PtNDArray[0]), 0);
            all.setRequiresGradient(true);
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                List<PtNDArray> codes = new ArrayList<>();
                for (int c : assignCrops) {
                    PtNDArray rows = (PtNDArray) all.get(new NDIndex((long) c * batch + ":" + (long) (c + 1) * batch));
                    codes.add(SwavLossOps.codes(rows, batch, epsilon, iterations));
                }
                PtNDArray loss = SwavLossOps.loss(all, scores.size(), batch, assignCrops, codes, temperature);
                collector.backward(loss);
                PtNDArray grad = JniUtils.getGradient(all);
                grad.attach(m);
                Map<String, Tensor> grads = new LinkedHashMap<>();
                for (int c = 0; c < scores.size(); c++) {
                    grads.put(gradientName(c), Convert.toTensor(
                            (PtNDArray) grad.get(new NDIndex((long) c * batch + ":" + (long) (c + 1) * batch))));
                }
                return new LossAndGradients(loss.getFloat(), grads);
            }
        }
    }
}
