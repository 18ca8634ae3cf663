package org.seer4j.data.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.image.RgbImage;
import org.seer4j.core.image.Shard;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.port.ImageStream;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;
import org.seer4j.data.image.EpochOrder;
import org.seer4j.data.image.IdxFile;
import org.seer4j.data.image.IdxSource;

class MultiCropPipelineTest {

    /** n images of 12x10 pixels; image i is uniformly gray at level 10 * i. */
    private static IdxSource uniformImages(int n) {
        byte[] px = new byte[n * 120];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(px, i * 120, (i + 1) * 120, (byte) (10 * i));
        }
        return new IdxSource("uniform", new IdxFile(new int[] {n, 10, 12}, px), null);
    }

    /** n images of 12x10 random-looking pixels (so crops differ visibly). */
    private static IdxSource texturedImages(int n) {
        byte[] px = new byte[n * 120];
        long x = 12345;
        for (int i = 0; i < px.length; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            px[i] = (byte) (x >>> 56);
        }
        return new IdxSource("textured", new IdxFile(new int[] {n, 10, 12}, px), null);
    }

    private static ViewsConfig plainViews() {
        Augmentation none = new Augmentation(0, 0, 0, 0, 0, 0.1, 2.0, List.of(0.5, 0.5, 0.5), List.of(0.25, 0.25, 0.25));
        return new ViewsConfig(List.of(new CropGroup(2, 8, 1.0, 1.0), new CropGroup(3, 4, 0.2, 0.5)), List.of(0, 1), none);
    }

    private static ViewsConfig fullViews() {
        return new ViewsConfig(List.of(new CropGroup(2, 8, 0.3, 1.0), new CropGroup(3, 4, 0.05, 0.3)), List.of(0, 1),
                Augmentation.defaults());
    }

    private static List<MultiCropBatch> epoch(ImageSource src, ViewsConfig views, int batch, int workers, long start) {
        MultiCropPipeline p = MultiCropPipeline.builder().setSource(src).setViews(views).setBatchSize(batch)
                .optWorkers(workers).optPrefetch(3).build();
        List<MultiCropBatch> out = new ArrayList<>();
        try (BatchStream s = p.open(9, 2, start)) {
            s.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void batchesAreCropMajorPerGroupAndFollowTheEpochOrder() {
        IdxSource src = uniformImages(10);
        List<MultiCropBatch> batches = epoch(src, plainViews(), 4, 2, 0);
        assertThat(batches).hasSize(2); // 10 images, batch 4: the last 2 are dropped
        EpochOrder order = new EpochOrder(10, 9, 2);
        for (int b = 0; b < 2; b++) {
            MultiCropBatch mb = batches.get(b);
            assertThat(mb.groups().get(0).shape()).containsExactly(8, 3, 8, 8);
            assertThat(mb.groups().get(1).shape()).containsExactly(12, 3, 4, 4);
            for (int g = 0; g < 2; g++) {
                Tensor t = mb.groups().get(g);
                int per = 3 * t.dim(2) * t.dim(3);
                for (int row = 0; row < t.dim(0); row++) {
                    int image = (int) order.at(b * 4L + row % 4); // crop-major: row = crop * B + image
                    float expected = (float) ((10 * image / 255.0 - 0.5) / 0.25);
                    assertThat(t.get(row * per)).as("batch %d group %d row %d", b, g, row)
                            .isCloseTo(expected, within(1e-4f));
                    assertThat(t.get(row * per + per - 1)).isCloseTo(expected, within(1e-4f));
                }
            }
        }
    }

    @Test
    void theSameSeedGivesIdenticalBatchesWhateverTheNumberOfWorkers() {
        IdxSource src = texturedImages(23);
        List<MultiCropBatch> one = epoch(src, fullViews(), 5, 1, 0);
        List<MultiCropBatch> three = epoch(src, fullViews(), 5, 3, 0);
        List<MultiCropBatch> four = epoch(src, fullViews(), 5, 4, 0);
        assertThat(one).hasSize(4);
        for (int b = 0; b < one.size(); b++) {
            assertThat(three.get(b).groups()).isEqualTo(one.get(b).groups());
            assertThat(four.get(b).groups()).isEqualTo(one.get(b).groups());
        }
        // and the two crops of one image differ (they come from different random streams)
        Tensor big = one.get(0).groups().get(0);
        int per = 3 * 8 * 8;
        float[] a = big.toArray();
        assertThat(java.util.Arrays.copyOfRange(a, 0, per)).isNotEqualTo(java.util.Arrays.copyOfRange(a, 5 * per, 6 * per));
    }

    @Test
    void resumingAtASavedPositionGivesTheRemainingBatches() {
        IdxSource src = texturedImages(20);
        MultiCropPipeline p = MultiCropPipeline.builder().setSource(src).setViews(fullViews()).setBatchSize(4)
                .optWorkers(2).build();
        List<MultiCropBatch> all = epoch(src, fullViews(), 4, 2, 0);
        long position;
        try (BatchStream s = p.open(9, 2)) {
            s.next();
            s.next();
            position = s.position();
        }
        assertThat(position).isEqualTo(8);
        List<MultiCropBatch> rest = epoch(src, fullViews(), 4, 3, position);
        assertThat(rest).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(rest.get(i).groups()).isEqualTo(all.get(i + 2).groups());
        }
    }

    /** Wraps a source and drops the images whose item index is in {@code bad}, counting them as corrupt. */
    private static ImageSource withBadItems(IdxSource src, java.util.Set<String> bad) {
        return new ImageSource() {
            @Override
            public String describe() {
                return "source with bad items";
            }

            @Override
            public ImageStream open(long seed, long epoch, Shard shard) {
                ImageStream in = src.open(seed, epoch, shard);
                return new ImageStream() {
                    SourceImage pending;
                    long pendingPos;
                    long pos = -1;
                    long skipped;

                    @Override
                    public boolean hasNext() {
                        while (pending == null && in.hasNext()) {
                            SourceImage i = in.next();
                            if (bad.contains(i.id())) {
                                skipped++;
                            } else {
                                pending = i;
                                pendingPos = in.position();
                            }
                        }
                        return pending != null;
                    }

                    @Override
                    public SourceImage next() {
                        hasNext();
                        SourceImage i = pending;
                        pending = null;
                        pos = pendingPos;
                        return i;
                    }

                    @Override
                    public long position() {
                        return pos;
                    }

                    @Override
                    public Map<String, Long> skipped() {
                        return skipped == 0 ? Map.of() : Map.of("corrupt", skipped);
                    }

                    @Override
                    public void close() {
                        in.close();
                    }
                };
            }
        };
    }

    @Test
    void skippedImagesAreCountedAndBatchesHoldTheNextReadableOnesWhateverTheWorkers() {
        IdxSource src = uniformImages(12);
        java.util.Set<String> bad = java.util.Set.of("idx:3", "idx:7", "idx:8");
        EpochOrder order = new EpochOrder(12, 9, 2);
        List<Integer> good = new ArrayList<>();
        for (int p = 0; p < 12; p++) {
            int item = (int) order.at(p);
            if (!bad.contains("idx:" + item)) {
                good.add(item);
            }
        }
        for (int workers : new int[] {1, 2, 5}) {
            MultiCropPipeline p = MultiCropPipeline.builder().setSource(withBadItems(src, bad)).setViews(plainViews())
                    .setBatchSize(3).optWorkers(workers).build();
            try (BatchStream s = p.open(9, 2)) {
                List<MultiCropBatch> batches = new ArrayList<>();
                s.forEachRemaining(batches::add);
                assertThat(batches).hasSize(3);
                assertThat(s.skipped()).containsExactly(Map.entry("corrupt", 3L));
                for (int i = 0; i < 9; i++) {
                    Tensor t = batches.get(i / 3).groups().get(0);
                    float expected = (float) ((10 * good.get(i) / 255.0 - 0.5) / 0.25);
                    assertThat(t.get((i % 3) * 3 * 64)).isCloseTo(expected, within(1e-4f));
                }
            }
        }
    }

    @Test
    void anEpochWithNothingReadableFailsWithAMessage() {
        IdxSource src = uniformImages(4);
        ImageSource allBad = withBadItems(src, java.util.Set.of("idx:0", "idx:1", "idx:2", "idx:3"));
        MultiCropPipeline p = MultiCropPipeline.builder().setSource(allBad).setViews(plainViews()).setBatchSize(2)
                .optWorkers(2).build();
        try (BatchStream s = p.open(1, 0)) {
            assertThatThrownBy(s::hasNext).hasMessageContaining("no readable image in source with bad items")
                    .hasMessageContaining("corrupt=4");
        }
    }

    @Test
    void aFailingSourceStopsTheEpochWithItsMessageEvenWhenQueuesAreFull() {
        IdxSource src = uniformImages(40);
        ImageSource failing = new ImageSource() {
            @Override
            public String describe() {
                return "failing source";
            }

            @Override
            public ImageStream open(long seed, long epoch, Shard shard) {
                ImageStream in = src.open(seed, epoch, shard);
                return new ImageStream() {
                    int served;

                    @Override
                    public boolean hasNext() {
                        return in.hasNext();
                    }

                    @Override
                    public SourceImage next() {
                        if (shard.index() == 1 && ++served > 3) {
                            throw new java.io.UncheckedIOException(new java.io.IOException("disk gone"));
                        }
                        return in.next();
                    }

                    @Override
                    public long position() {
                        return in.position();
                    }

                    @Override
                    public Map<String, Long> skipped() {
                        return in.skipped();
                    }

                    @Override
                    public void close() {
                        in.close();
                    }
                };
            }
        };
        MultiCropPipeline p = MultiCropPipeline.builder().setSource(failing).setViews(plainViews()).setBatchSize(2)
                .optWorkers(2).optPrefetch(2).build();
        try (BatchStream s = p.open(0, 0)) {
            assertThatThrownBy(() -> {
                while (s.hasNext()) {
                    s.next();
                }
            }).hasMessageContaining("reading failing source failed").hasMessageContaining("disk gone");
        }
    }

    @Test
    void jitterFactorsAreDrawnInTorchvisionsRanges() {
        Augmentation a = Augmentation.defaults();
        CropGroup g = new CropGroup(1, 8, 0.2, 1.0);
        int jittered = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            CropParams p = CropParams.draw(new org.seer4j.data.random.Rng(i), 50, 40, g, a);
            if (p.jitterOrder() != null) {
                jittered++;
                assertThat(p.jitterOrder()).containsExactlyInAnyOrder(0, 1, 2, 3);
                assertThat(p.brightness()).isBetween(0.2f, 1.8f);
                assertThat(p.contrast()).isBetween(0.2f, 1.8f);
                assertThat(p.saturation()).isBetween(0.2f, 1.8f);
                assertThat(p.hue()).isBetween(-0.2f, 0.2f);
            }
            if (p.blurSigma() > 0) {
                assertThat(p.blurSigma()).isBetween(0.1, 2.0);
            }
        }
        // applied with probability 0.8: 3200 expected, sd 25
        assertThat(jittered).isBetween(3050, 3350);
    }
}
