package org.seer4j.data.image;

/** Why a file was skipped; the names are the keys of {@code ImageStream.skipped()} and of the metrics. */
public enum SkipReason {
    EMPTY("empty"),
    TRUNCATED("truncated"),
    CORRUPT("corrupt"),
    NOT_AN_IMAGE("not_an_image"),
    UNREADABLE("unreadable"),
    SYMLINK_LOOP("symlink_loop"),
    TOO_LARGE("too_large"),
    /** A known image format that nothing here decodes: AVIF, HEIC/HEIF, SVG, JPEG XL. */
    UNSUPPORTED("unsupported");

    private final String key;

    SkipReason(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
