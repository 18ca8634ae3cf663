package org.seer4j.core.image;

/** One image from a source: where it came from, its pixels, and its label (-1 when unlabelled). */
public record SourceImage(String id, RgbImage image, int label) {
    public static final int UNLABELLED = -1;
}
