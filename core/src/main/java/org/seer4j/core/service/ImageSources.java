package org.seer4j.core.service;

import org.seer4j.core.config.RunConfig;
import org.seer4j.core.port.ImageSource;

/** Opens the images a run's {@code data} section names, for evaluation and embedding (no augmentation). */
public interface ImageSources {

    /** Every image of the configured data, labelled or not. */
    ImageSource images(RunConfig config);

    /** Labelled training and test images; {@code test} is null when the data has no separate test split. */
    Splits labelled(RunConfig config);

    record Splits(ImageSource train, ImageSource test) {
        public Splits {
            if (train == null) throw new IllegalArgumentException("a training split is required");
        }
    }
}
