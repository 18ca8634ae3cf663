package org.seer4j.core.views;

import org.seer4j.core.config.ConfigException;

/**
 * Crops of one size: {@code count} random-resized crops of {@code size}x{@code size}, each covering a fraction
 * of the image area drawn from [{@code minScale}, {@code maxScale}]. Same-size crops are batched together.
 */
public record CropGroup(int count, int size, double minScale, double maxScale) {

    public CropGroup {
        if (count < 1) throw new ConfigException("views.crops.count", "must be >= 1, got " + count);
        if (size < 1) throw new ConfigException("views.crops.size", "must be >= 1, got " + size);
        if (!(minScale > 0 && minScale <= 1)) {
            throw new ConfigException("views.crops.min_scale", "must be in (0, 1], got " + minScale);
        }
        if (!(maxScale > 0 && maxScale <= 1)) {
            throw new ConfigException("views.crops.max_scale", "must be in (0, 1], got " + maxScale);
        }
        if (maxScale < minScale) {
            throw new ConfigException("views.crops.max_scale",
                    "must be >= min_scale (" + minScale + "), got " + maxScale);
        }
    }
}
