package org.seer4j.core.port;

import java.util.Map;
import org.seer4j.core.tensor.Tensor;

/**
 * Driven port: a network living inside an engine. The engine owns the state; weights cross the port under the
 * interchange names (torchvision's RegNet names, OIHW convs, {@code head.*}, {@code prototypes.weight}).
 */
public interface SwavModel extends AutoCloseable {

    /** One SwAV step in training mode: forward every crop group, codes, loss, backward, update as planned. */
    StepResult step(MultiCropBatch batch, StepPlan plan);

    /** Loss and gradients for the batch, in training mode, without updating anything. */
    LossAndGradients lossAndGradients(MultiCropBatch batch, StepPlan plan);

    /** Eval-mode trunk features of NCHW images. */
    Features infer(Tensor images);

    /** Every parameter and buffer (BN running statistics included) under its interchange name. */
    Map<String, Tensor> weights();

    /** Loads the given tensors; names unknown to the model or shapes that differ are an error. */
    void loadWeights(Map<String, Tensor> weights);

    /** Optimiser momentum and the SwAV queue, for checkpoints. */
    Map<String, Tensor> trainingState();

    void loadTrainingState(Map<String, Tensor> state);

    @Override
    void close();
}
