package org.seer4j.data.views;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.image.Shard;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;
import org.seer4j.data.image.IdxFile;
import org.seer4j.data.image.IdxSource;

/** Data-parallel ranks of the pipeline: together they read exactly what one reader with the global batch reads. */
class DataParallelPipelineTest {

    /** n images of 12x10 random-looking pixels, so that every image's crops differ. */
    private static IdxSource textured(int n) {
        byte[] px = new byte[n * 120];
        long x = 987654321L;
        for (int i = 0; i < px.length; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            px[i] = (byte) (x >>> 56);
        }
        return new IdxSource("textured", new IdxFile(new int[] {n, 10, 12}, px), null);
    }

    private static final ViewsConfig VIEWS = new ViewsConfig(
            List.of(new CropGroup(2, 8, 0.3, 1.0), new CropGroup(1, 4, 0.05, 0.3)), List.of(0, 1),
            Augmentation.defaults());

    private static List<MultiCropBatch> read(IdxSource src, int batch, int threads, Shard rank, long start) {
        MultiCropPipeline p = MultiCropPipeline.builder().setSource(src).setViews(VIEWS).setBatchSize(batch)
                .optWorkers(threads).optRank(rank).build();
        List<MultiCropBatch> out = new ArrayList<>();
        try (BatchStream s = p.open(5, 3, start)) {
            s.forEachRemaining(out::add);
        }
        return out;
    }

    /** Row {@code row} of crop-major group {@code g}: crop k of image b is row k * batch + b. */
    private static float[] crop(MultiCropBatch b, int g, int k, int image) {
        Tensor t = b.groups().get(g);
        int per = 3 * t.dim(2) * t.dim(3);
        float[] all = t.toArray();
        float[] out = new float[per];
        System.arraycopy(all, (k * b.batchSize() + image) * per, out, 0, per);
        return out;
    }

    private static void assertRanksMakeTheGlobalBatches(List<MultiCropBatch> global, List<List<MultiCropBatch>> ranks,
                                                        int world) {
        for (List<MultiCropBatch> r : ranks) {
            assertThat(r).hasSameSizeAs(global);
        }
        for (int step = 0; step < global.size(); step++) {
            MultiCropBatch whole = global.get(step);
            for (int g = 0; g < VIEWS.crops().size(); g++) {
                for (int k = 0; k < VIEWS.crops().get(g).count(); k++) {
                    for (int i = 0; i < whole.batchSize(); i++) {
                        // image i of the global batch is image i / world of rank i mod world (Shard's dealing)
                        MultiCropBatch part = ranks.get(i % world).get(step);
                        assertThat(crop(part, g, k, i / world)).as("step %d group %d crop %d image %d", step, g, k, i)
                                .containsExactly(crop(whole, g, k, i));
                    }
                }
            }
        }
    }

    @Test
    void twoRanksWithHalfTheBatchEachReadTheImagesAndCropsOfOneReaderWithTheWholeBatch() {
        IdxSource src = textured(20);
        List<MultiCropBatch> global = read(src, 6, 1, Shard.ALL, 0);
        assertThat(global).hasSize(3);
        List<List<MultiCropBatch>> ranks = List.of(read(src, 3, 2, new Shard(0, 2), 0),
                read(src, 3, 3, new Shard(1, 2), 0));
        assertRanksMakeTheGlobalBatches(global, ranks, 2);
    }

    @Test
    void ranksResumedFromAGlobalPositionContinueTheGlobalOrder() {
        IdxSource src = textured(21);
        // one reader resumed at position 6 (after one batch of 6), and three ranks resumed at the same position
        List<MultiCropBatch> global = read(src, 6, 2, Shard.ALL, 6);
        List<List<MultiCropBatch>> ranks = List.of(read(src, 2, 1, new Shard(0, 3), 6),
                read(src, 2, 2, new Shard(1, 3), 6), read(src, 2, 1, new Shard(2, 3), 6));
        assertRanksMakeTheGlobalBatches(global, ranks, 3);
    }
}
