package org.seer4j.app.report;

import java.util.ArrayList;
import java.util.List;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.ViewPixels;

/**
 * The first images of a batch with every one of their crops, as the engine received them (de-normalised): one
 * row per image, one column per crop, global crops first.
 *
 * @param sizes the side of each column's crop, in pixels
 * @param rows  per image, each crop as a PNG data URI
 */
public record ViewStrip(List<Integer> sizes, List<List<String>> rows) {
    public ViewStrip {
        sizes = List.copyOf(sizes);
        rows = rows.stream().map(List::copyOf).toList();
    }

    /** The first {@code images} images of {@code batch}; its groups are crop-major (see {@link MultiCropBatch}). */
    public static ViewStrip of(MultiCropBatch batch, Augmentation augmentation, int images) {
        int b = batch.batchSize();
        int shown = Math.min(images, b);
        List<Integer> sizes = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < shown; i++) rows.add(new ArrayList<>());
        for (Tensor group : batch.groups()) {
            int size = group.dim(2);
            int crops = group.dim(0) / b;
            int per = 3 * size * size;
            float[] view = new float[per];
            for (int c = 0; c < crops; c++) {
                sizes.add(size);
                for (int i = 0; i < shown; i++) {
                    // only the shown crops are copied out of the group, not the whole batch
                    group.buffer().get((c * b + i) * per, view, 0, per);
                    rows.get(i).add(Pictures.dataUri(ViewPixels.toImage(view, 0, size,
                            augmentation.mean(), augmentation.std())));
                }
            }
        }
        return new ViewStrip(sizes, rows);
    }
}
