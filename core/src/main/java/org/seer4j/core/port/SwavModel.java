package org.seer4j.core.port;

import java.util.Map;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorReader;

/**
 * Driven port: a network living inside an engine. The engine owns the state; weights cross the port under the
 * interchange names (torchvision's RegNet names, OIHW convs, {@code head.*}, {@code prototypes.weight}).
 *
 * <p>Model-sized data crosses in chunks: {@link #weightsReader()} and {@link #trainingStateReader()} are views of
 * the engine's memory that checkpoints are written from, and {@link #loadWeights(TensorReader)} and
 * {@link #loadTrainingState(TensorReader)} fill the engine from a file chunk by chunk. The map methods hold
 * everything on the Java heap at once; they remain for small models, tests and comparisons. The defaults bridge
 * the chunked methods to the map ones; engines that train big models override them.
 */
public interface SwavModel extends AutoCloseable {

    /** One SwAV step in training mode: forward every crop group, codes, loss, backward, update as planned. */
    StepResult step(MultiCropBatch batch, StepPlan plan);

    /**
     * The same step as {@link #step}, with the time of every kind of operation measured ({@code bench --profile}).
     * Profiling may slow the step down; the profile's shares are what it is for. Engines without a per-operation
     * profile keep this default: the step's phases only.
     */
    default ProfiledStep profiledStep(MultiCropBatch batch, StepPlan plan) {
        StepResult r = step(batch, plan);
        return new ProfiledStep(r, StepProfile.ofPhases(r));
    }

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

    /**
     * Every parameter and buffer as a chunked view of the engine's memory, in the model's layout order, valid until
     * the next step, load or close.
     */
    default TensorReader weightsReader() {
        return TensorReader.of(weights());
    }

    /** Loads the reader's tensors chunk by chunk; as {@link #loadWeights(Map)}, unknown names or shapes fail. */
    default void loadWeights(TensorReader weights) {
        loadWeights(weights.toMap());
    }

    /** Optimiser momentum and the SwAV queue as a chunked view, valid until the next step, load or close. */
    default TensorReader trainingStateReader() {
        return TensorReader.of(trainingState());
    }

    default void loadTrainingState(TensorReader state) {
        loadTrainingState(state.toMap());
    }

    /**
     * Called on every data-parallel worker before rank 0 reads {@link #trainingStateReader()} for a checkpoint: a
     * model that shards its optimiser state ({@code backend.shard_optimizer_state}) gathers the whole state onto
     * rank 0 there (held until the next step). Others have nothing to do.
     */
    default void gatherTrainingState() {
    }

    @Override
    void close();
}
