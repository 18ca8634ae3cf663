package org.seer4j.core.image;

/** The part of a source one worker reads: every image whose position in the epoch's order is index mod count. */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + " of " + count + " does not exist");
        }
    }
}
