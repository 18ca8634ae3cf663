package org.seer4j.core.port;

import java.util.List;
import org.seer4j.core.tensor.Tensor;

/** The SwAV objective as an engine computes it, exposed so it can be checked against the core's reference. */
public interface SwavObjective {

    /** Sinkhorn-Knopp codes [B, K] for scores [B, K], with optional queue scores [Q, K] (null for none). */
    Tensor codes(Tensor scores, Tensor queueScores, double epsilon, int iterations);

    /**
     * The swapped-prediction loss and its gradient w.r.t. the scores.
     *
     * @param scores      one tensor [B, K] per crop, in crop order
     * @param assignCrops crops whose codes are targets
     */
    LossAndGradients loss(List<Tensor> scores, List<Integer> assignCrops, double temperature, double epsilon,
                          int iterations);
}
