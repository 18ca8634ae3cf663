package org.seer4j.data.image;

import org.seer4j.core.image.SourceImage;

/** What loading one item gave: an image, or the reason it was skipped (with a detail for the log). */
public record Loaded(SourceImage image, SkipReason reason, String detail) {

    public static Loaded of(SourceImage image) {
        return new Loaded(image, null, null);
    }

    public static Loaded skipped(SkipReason reason, String detail) {
        return new Loaded(null, reason, detail);
    }

    public boolean ok() {
        return image != null;
    }
}
