package org.seer4j.core.port;

import java.util.List;
import org.seer4j.core.tensor.Tensor;

/**
 * One batch of multi-crop views: one NCHW tensor per crop group, the group's crops stacked crop-major
 * (rows 0..B-1 are the group's first crop of every image, rows B..2B-1 its second crop, ...).
 */
public record MultiCropBatch(List<Tensor> groups, int batchSize) {

    public MultiCropBatch {
        groups = List.copyOf(groups);
        for (Tensor t : groups) {
            if (t.rank() != 4 || t.dim(0) % batchSize != 0 || t.dim(1) != 3) {
                throw new IllegalArgumentException("crop group " + t + " is not [crops*" + batchSize + ", 3, H, W]");
            }
        }
    }

    public int totalCrops() {
        return groups.stream().mapToInt(t -> t.dim(0) / batchSize).sum();
    }
}
