package org.seer4j.core.finetune;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fine-tuning protocol ({@code eval --protocol finetune}): the whole trunk plus a linear classifier trained on
 * a class-balanced share of the labels with SGD and momentum under a cosine schedule, on random-resized crops with
 * horizontal flips. Defaults follow SwAV's semi-supervised evaluation ({@code eval_semisup.py}: 20 epochs, trunk lr
 * 0.01 and classifier lr 0.2 for 256 images, momentum 0.9, no weight decay), with VISSL's cosine schedule in place
 * of the step decay. Rates scale linearly with the batch, as {@code optim.base_lr} does.
 *
 * @param labelFraction share of each class's training images whose labels are used, in (0, 1]
 * @param epochs        passes over the labelled subset
 * @param batchSize     images per step
 * @param lr            trunk learning rate for {@link #LR_BATCH} images, decayed by a half cosine to 0
 * @param headLr        classifier learning rate for {@link #LR_BATCH} images, same schedule
 * @param momentum      heavy-ball momentum
 * @param weightDecay   L2 decay added to every gradient
 * @param cropSize      side of the training crops and of the centred test view; 0: the first crop group's size
 * @param minScale      smallest area share of a random-resized crop (torchvision's 0.08)
 */
public record FinetuneConfig(double labelFraction, int epochs, int batchSize, double lr, double headLr,
                             double momentum, double weightDecay, int cropSize, double minScale) {
    public static final int LR_BATCH = 256;

    public FinetuneConfig {
        if (!(labelFraction > 0 && labelFraction <= 1)) {
            throw new IllegalArgumentException("--label-fraction must be in (0, 1], got " + labelFraction);
        }
        if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        if (batchSize < 2) {
            throw new IllegalArgumentException("--batch-size must be >= 2 (BN trains on batch statistics), got "
                    + batchSize);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        if (!(headLr > 0) || Double.isInfinite(headLr)) {
            throw new IllegalArgumentException("--head-lr must be > 0, got " + headLr);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
        }
        if (cropSize < 0) throw new IllegalArgumentException("--crop-size must be >= 0, got " + cropSize);
        if (!(minScale > 0 && minScale <= 1)) {
            throw new IllegalArgumentException("--min-scale must be in (0, 1], got " + minScale);
        }
    }

    public static FinetuneConfig defaults(double labelFraction) {
        return new FinetuneConfig(labelFraction, 20, 256, 0.01, 0.2, 0.9, 0.0, 0, 0.08);
    }

    /** The trunk's peak rate for this batch. */
    public double trunkPeakLr() {
        return lr * batchSize / LR_BATCH;
    }

    public double headPeakLr() {
        return headLr * batchSize / LR_BATCH;
    }

    /** The settings as checkpoint metadata; a resumed fine-tuning must have the same. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("finetune.label_fraction", Double.toString(labelFraction));
        m.put("finetune.epochs", Integer.toString(epochs));
        m.put("finetune.batch_size", Integer.toString(batchSize));
        m.put("finetune.lr", Double.toString(lr));
        m.put("finetune.head_lr", Double.toString(headLr));
        m.put("finetune.momentum", Double.toString(momentum));
        m.put("finetune.weight_decay", Double.toString(weightDecay));
        m.put("finetune.crop_size", Integer.toString(cropSize));
        m.put("finetune.min_scale", Double.toString(minScale));
        return m;
    }
}
