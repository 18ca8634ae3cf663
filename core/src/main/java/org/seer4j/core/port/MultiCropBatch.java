package org.seer4j.core.port;

import java.nio.FloatBuffer;
import java.util.ArrayList;
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

    /**
     * One data-parallel worker's part: images {@code rank}, {@code rank + world}, ... with every crop of each, as
     * the data adapters deal a {@code Shard(rank, world)}; the batch size must divide by {@code world}.
     */
    public MultiCropBatch shard(int rank, int world) {
        if (world < 1 || rank < 0 || rank >= world || batchSize % world != 0) {
            throw new IllegalArgumentException("cannot deal worker " + rank + " of " + world + " a share of "
                    + batchSize + " images");
        }
        int local = batchSize / world;
        List<Tensor> shares = new ArrayList<>();
        for (Tensor t : groups) {
            int crops = t.dim(0) / batchSize;
            int image = t.size() / t.dim(0);
            // Read this worker's images straight from the group's data: no copy of the whole group first.
            FloatBuffer all = t.buffer();
            float[] mine = new float[crops * local * image];
            for (int crop = 0; crop < crops; crop++) {
                for (int i = 0; i < local; i++) {
                    all.get((crop * batchSize + rank + i * world) * image, mine, (crop * local + i) * image, image);
                }
            }
            shares.add(Tensor.of(mine, crops * local, t.dim(1), t.dim(2), t.dim(3)));
        }
        return new MultiCropBatch(shares, local);
    }
}
