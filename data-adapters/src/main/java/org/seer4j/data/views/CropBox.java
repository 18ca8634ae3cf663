package org.seer4j.data.views;

/**
 * A crop rectangle in source pixels; {@code fallback} marks torchvision's centre crop taken when 10 random
 * tries found no rectangle that fits.
 */
public record CropBox(int top, int left, int height, int width, boolean fallback) {
}
