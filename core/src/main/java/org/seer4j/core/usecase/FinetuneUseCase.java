package org.seer4j.core.usecase;

import java.nio.file.Path;
import java.util.Map;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.finetune.FinetuneConfig;

/**
 * Driving port: fine-tune the whole trunk plus a linear classifier on (a share of) the labels, then measure top-1
 * and top-5 on the test split. Resumable: a fine-tuning folder's checkpoints are continued by the same command.
 */
public interface FinetuneUseCase {

    /**
     * @param checkpoint the pretrained weights (a checkpoint, run folder or imported file); null: the seeded
     *                   random initialisation of the same network (the baseline)
     * @param dir        the fine-tuning folder: {@code checkpoints/} and the classifier file go there
     * @param provenance metadata every checkpoint and the classifier carry (config, git commit...)
     */
    record Command(RunConfig config, FinetuneConfig finetune, Path checkpoint, Path dir,
                   Map<String, String> provenance) {
        public Command {
            provenance = Map.copyOf(provenance);
        }
    }

    /**
     * Accuracies in [0, 1] on the test split (top-5 is 1 when there are at most 5 classes).
     *
     * @param labelledImages images of the class-balanced subset trained on
     * @param trainImages    labelled training images the subset was drawn from
     * @param steps          optimiser steps done in all (resumed ones included)
     * @param stopped        a stop request ended training early, after a checkpoint: nothing was tested (NaN
     *                       accuracies, no test images) and no classifier written (null); rerun to resume
     * @param classifier     the written classifier (trunk + {@code fc}) safetensors file
     */
    record Result(double top1, double top5, int labelledImages, int trainImages, int testImages, int classes,
                  long steps, long totalSteps, boolean stopped, Path classifier) {
    }

    Result finetune(Command command);

    /** Asks a running fine-tuning to checkpoint and return before its next step; safe from any thread. */
    void requestStop();
}
