package org.seer4j.app.report;

import java.util.Map;
import org.seer4j.core.usecase.FinetuneUseCase.Result;

/**
 * What {@code eval --protocol finetune} writes ({@code finetune.json}): the protocol's settings, the data, and the
 * test accuracies (in [0, 1]) of the pretrained trunk and, unless skipped, of the same network from random init.
 */
public record FinetuneResult(String checkpoint, String data, Map<String, String> settings, Run pretrained,
                             Run randomInit) {

    /** One fine-tuning's outcome. */
    public record Run(double top1, double top5, int labelledImages, int trainImages, int testImages, int classes,
                      long steps, long totalSteps, boolean stopped, String classifier) {
        public static Run of(Result r) {
            return r == null ? null : new Run(r.top1(), r.top5(), r.labelledImages(), r.trainImages(),
                    r.testImages(), r.classes(), r.steps(), r.totalSteps(), r.stopped(),
                    r.classifier() == null ? null : r.classifier().toString());
        }
    }
}
