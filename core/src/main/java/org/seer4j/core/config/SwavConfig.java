package org.seer4j.core.config;

/**
 * The {@code swav} section: the objective's settings (defaults: SwAV ImageNet).
 *
 * @param prototypes            K, number of prototype vectors
 * @param temperature           softmax temperature of the swapped prediction
 * @param epsilon               entropic regularisation of Sinkhorn-Knopp
 * @param sinkhornIterations    alternating normalisations
 * @param queueLength           past embeddings kept per assigning crop (0: no queue); a multiple of the batch
 * @param queueStartIteration   iteration from which the queue is filled and used
 * @param freezePrototypesIters iterations during which the prototypes get no update
 */
public record SwavConfig(int prototypes, double temperature, double epsilon, int sinkhornIterations, int queueLength,
                         long queueStartIteration, long freezePrototypesIters) {

    public SwavConfig {
        Check.positive("swav.prototypes", prototypes);
        Check.positive("swav.temperature", temperature);
        Check.positive("swav.epsilon", epsilon);
        Check.positive("swav.sinkhorn_iterations", sinkhornIterations);
        Check.nonNegative("swav.queue_length", queueLength);
        Check.nonNegative("swav.queue_start_iteration", queueStartIteration);
        Check.nonNegative("swav.freeze_prototypes_iters", freezePrototypesIters);
    }

    public static SwavConfig defaults() {
        return new SwavConfig(3000, 0.1, 0.05, 3, 0, 0, 313);
    }
}
