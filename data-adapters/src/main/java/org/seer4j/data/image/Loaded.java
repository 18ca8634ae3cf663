package org.seer4j.data.image;

/** What loading one item gave: the item, or the reason it was skipped (with a detail for the log). */
public record Loaded<T>(T item, SkipReason reason, String detail) {

    public static <T> Loaded<T> of(T item) {
        return new Loaded<>(item, null, null);
    }

    public static <T> Loaded<T> skipped(SkipReason reason, String detail) {
        return new Loaded<>(null, reason, detail);
    }

    public boolean ok() {
        return item != null;
    }
}
