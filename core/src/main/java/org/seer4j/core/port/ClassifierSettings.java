package org.seer4j.core.port;

/**
 * How an engine runs a {@link ClassifierModel}: device ({@code auto|cpu|gpu}), intra-op threads (0: the engine's
 * default), and the SGD optimiser's momentum and weight decay (added to every gradient, BN and biases included, as
 * torch's SGD does).
 */
public record ClassifierSettings(String device, int threads, double momentum, double weightDecay) {
    public ClassifierSettings {
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }
}
