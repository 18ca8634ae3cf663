package org.seer4j.core.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.Features;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.port.ImageStream;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.tensor.Tensor;

/** Runs a model's eval-mode trunk over every image of a source, in batches, keeping ids and labels. */
final class FeatureExtractor {
    /** Pooled features of a source's images, in the order read. */
    record Extracted(List<String> ids, int[] labels, float[] features, int rows, int cols, Map<String, Long> skipped) {
    }

    private final SwavModel model;
    private final EvalImages images;
    private final int batch;

    /** Images per inference batch: at most 256, and at most 64 MB of input pixels (about 110 images at 224 px). */
    static FeatureExtractor of(SwavModel model, EvalImages images) {
        int perImage = 3 * images.size() * images.size();
        return new FeatureExtractor(model, images, Math.max(1, Math.min(256, (16 << 20) / perImage)));
    }

    FeatureExtractor(SwavModel model, EvalImages images, int batch) {
        this.model = model;
        this.images = images;
        this.batch = batch;
    }

    /** Features of the images of {@code source} (order of epoch 0 under {@code seed}). */
    Extracted extract(ImageSource source, long seed) {
        List<String> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<float[]> chunks = new ArrayList<>();
        int cols = -1;
        int per = 3 * images.size() * images.size();
        Map<String, Long> skipped;
        try (ImageStream stream = source.open(seed, 0)) {
            float[] pixels = new float[batch * per];
            int held = 0;
            while (true) {
                boolean more = stream.hasNext();
                if (more) {
                    SourceImage image = stream.next();
                    images.write(image.image(), pixels, held * per);
                    ids.add(image.id());
                    labels.add(image.label());
                    held++;
                }
                if (held == batch || (!more && held > 0)) {
                    float[] in = held == batch ? pixels : Arrays.copyOf(pixels, held * per);
                    Features f = model.infer(Tensor.of(in, held, 3, images.size(), images.size()));
                    Tensor pooled = f.pooled();
                    if (pooled.rank() != 2 || pooled.dim(0) != held) {
                        throw new IllegalStateException("the engine returned features " + pooled + " for " + held + " images");
                    }
                    cols = pooled.dim(1);
                    chunks.add(pooled.toArray());
                    pixels = new float[batch * per];
                    held = 0;
                }
                if (!more) {
                    break;
                }
            }
            skipped = new TreeMap<>(stream.skipped());
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException(source.describe() + " holds no readable image");
        }
        float[] all = new float[ids.size() * cols];
        int at = 0;
        for (float[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
        return new Extracted(List.copyOf(ids), labels.stream().mapToInt(Integer::intValue).toArray(), all, ids.size(),
                cols, skipped);
    }
}
