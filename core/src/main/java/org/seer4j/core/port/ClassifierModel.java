package org.seer4j.core.port;

import java.util.Map;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorReader;

/**
 * Driven port: supervised training of a whole network, the RegNet trunk plus a linear classifier {@code fc} on its
 * globally pooled features (fine-tuning). The loss is the mean cross-entropy of the softmax of the logits against
 * integer labels; the optimiser is SGD with heavy-ball momentum (torch convention: {@code buf = m buf + g + wd w},
 * {@code w -= lr buf}), with one learning rate for the trunk and one for the classifier. Weights cross the port
 * under the interchange names, {@code fc.weight} [classes, width] and {@code fc.bias} as torchvision's.
 */
public interface ClassifierModel extends AutoCloseable {

    /**
     * One step in training mode (batch-statistics BN, running statistics updated): forward, loss, backward,
     * update. A non-finite loss fails before anything changes.
     *
     * @param images  NCHW batch
     * @param labels  one class index per image, in {@code [0, classes)}
     * @return the batch's mean loss before the update
     */
    double step(Tensor images, int[] labels, double trunkLr, double headLr);

    /** Loss and gradients of every trainable tensor, in training mode, changing nothing (running statistics kept). */
    LossAndGradients lossAndGradients(Tensor images, int[] labels);

    /** Eval-mode pooled features and logits. */
    Features infer(Tensor images);

    /** Trunk and classifier (BN running statistics included) as a chunked view, valid until the next step or load. */
    TensorReader weightsReader();

    /** Momentum buffers under {@code momentum.<name>}, as a chunked view valid until the next step or load. */
    TensorReader trainingStateReader();

    void loadTrainingState(TensorReader state);

    /** Every tensor on the heap, for small models and tests. */
    default Map<String, Tensor> weights() {
        return weightsReader().toMap();
    }

    @Override
    void close();
}
