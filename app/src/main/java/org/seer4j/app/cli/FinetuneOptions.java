package org.seer4j.app.cli;

import java.nio.file.Path;
import org.seer4j.core.finetune.FinetuneConfig;
import picocli.CommandLine.Option;

/**
 * The flags of {@code eval --protocol finetune}; each left out takes {@link FinetuneConfig#defaults} (SwAV's
 * semi-supervised recipe). They are flags, not config keys: a fine-tuning is an evaluation of a trunk, and its
 * folder's checkpoints record the settings so a resumed run is checked against them.
 */
public final class FinetuneOptions {
    @Option(names = "--label-fraction", paramLabel = "F",
            description = "finetune: share of each class's training labels used, in (0, 1] (SEER: 0.01, 0.1, 1.0). Default 1.0.")
    Double labelFraction;

    @Option(names = "--epochs", paramLabel = "N", description = "finetune: passes over the labelled images. Default 20.")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "finetune: images per step. Default 256.")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "X",
            description = "finetune: trunk learning rate per 256 images (scaled with the batch), cosine to 0. Default 0.01.")
    Double lr;

    @Option(names = "--head-lr", paramLabel = "X",
            description = "finetune: classifier learning rate per 256 images, same schedule. Default 0.2.")
    Double headLr;

    @Option(names = "--momentum", paramLabel = "X", description = "finetune: SGD momentum. Default 0.9.")
    Double momentum;

    @Option(names = "--weight-decay", paramLabel = "X", description = "finetune: L2 weight decay. Default 0.")
    Double weightDecay;

    @Option(names = "--crop-size", paramLabel = "PX",
            description = "finetune: training crop and test view size. Default: the first crop group's size.")
    Integer cropSize;

    @Option(names = "--min-scale", paramLabel = "X",
            description = "finetune: smallest area share of a random-resized crop. Default 0.08.")
    Double minScale;

    @Option(names = "--no-baseline", description = "finetune: skip the same protocol from random init.")
    boolean noBaseline;

    @Option(names = "--finetune-dir", paramLabel = "DIR",
            description = "finetune: folder of the checkpoints (resumed when rerun) and classifier.safetensors. "
                    + "Default: finetune-<percent>pct in the checkpoint's run folder, else in the current folder.")
    Path dir;

    /** Whether any fine-tuning flag was given (they mean nothing to the other protocols). */
    boolean any() {
        return labelFraction != null || epochs != null || batchSize != null || lr != null || headLr != null
                || momentum != null || weightDecay != null || cropSize != null || minScale != null || noBaseline
                || dir != null;
    }

    FinetuneConfig config() {
        FinetuneConfig d = FinetuneConfig.defaults(labelFraction == null ? 1.0 : labelFraction);
        return new FinetuneConfig(d.labelFraction(), or(epochs, d.epochs()), or(batchSize, d.batchSize()),
                or(lr, d.lr()), or(headLr, d.headLr()), or(momentum, d.momentum()), or(weightDecay, d.weightDecay()),
                or(cropSize, d.cropSize()), or(minScale, d.minScale()));
    }

    private static <T> T or(T given, T otherwise) {
        return given != null ? given : otherwise;
    }
}
