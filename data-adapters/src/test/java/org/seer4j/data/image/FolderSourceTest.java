package org.seer4j.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.image.Shard;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.ImageStream;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;
import org.seer4j.data.views.MultiCropPipeline;

class FolderSourceTest {
    @TempDir
    Path dir;
    @TempDir
    Path indexDir;

    private static byte[] jpeg(int seed) throws IOException {
        return TestImages.encode(TestImages.halves(40, 30, 0x102030 * seed, 0xfedcba, BufferedImage.TYPE_3BYTE_BGR), "jpeg");
    }

    /** A messy folder: 6 good images in nested folders plus one of every bad kind; returns the good ones. */
    private Set<String> messyFolder() throws IOException {
        Set<String> good = new HashSet<>();
        good.add(TestImages.write(dir.resolve("a/one.jpg"), jpeg(1)).toString());
        good.add(TestImages.write(dir.resolve("a/b/two.JPEG"), jpeg(2)).toString());
        good.add(TestImages.write(dir.resolve("three.png"), TestImages.encode(
                TestImages.halves(20, 20, 0xff0000, 0x00ff00, BufferedImage.TYPE_INT_ARGB), "png")).toString());
        good.add(TestImages.write(dir.resolve("c/four.bmp"), TestImages.encode(
                TestImages.halves(20, 20, 0xff0000, 0x00ff00, BufferedImage.TYPE_INT_RGB), "bmp")).toString());
        good.add(TestImages.write(dir.resolve("c/five.gif"), TestImages.encode(
                TestImages.halves(32, 32, 0xff0000, 0x00ff00, BufferedImage.TYPE_INT_RGB), "gif")).toString());
        good.add(TestImages.write(dir.resolve("huge.png"), TestImages.encode(
                TestImages.halves(300, 200, 0xff0000, 0x00ff00, BufferedImage.TYPE_INT_RGB), "png")).toString());

        TestImages.write(dir.resolve("bad/empty.jpg"), new byte[0]);
        byte[] j = TestImages.encode(ImageDecoderTest.noise(128, 128, BufferedImage.TYPE_3BYTE_BGR), "jpeg");
        TestImages.write(dir.resolve("bad/truncated.jpg"), Arrays.copyOf(j, j.length / 2));
        byte[] garbled = j.clone();
        for (int i = 20; i < garbled.length - 2; i++) {
            garbled[i] = (byte) (i * 131);
        }
        TestImages.write(dir.resolve("bad/corrupt.jpg"), garbled);
        TestImages.write(dir.resolve("bad/notes.jpg"), "this is a text file".getBytes());
        Files.createSymbolicLink(dir.resolve("bad/dangling.jpg"), dir.resolve("bad/nowhere.jpg"));
        Files.createSymbolicLink(dir.resolve("bad/loop1.jpg"), dir.resolve("bad/loop2.jpg"));
        Files.createSymbolicLink(dir.resolve("bad/loop2.jpg"), dir.resolve("bad/loop1.jpg"));
        Files.createSymbolicLink(dir.resolve("a/b/up"), dir.resolve("a")); // directory loop
        TestImages.write(dir.resolve("bad/big.png"), new byte[50_000]); // over the 40000-byte file limit
        TestImages.write(dir.resolve("README.txt"), "not indexed".getBytes());
        TestImages.write(dir.resolve(".hidden/x.jpg"), jpeg(3));
        return good;
    }

    private FolderSource source(Path root) {
        return FolderSource.folder(root).optMaxPixels(10_000).optMaxFileBytes(40_000).optIndexFolder(indexDir).build();
    }

    @Test
    void anEpochYieldsExactlyTheGoodImagesAndCountsEveryBadKind() throws IOException {
        Set<String> good = messyFolder();
        try (FolderSource src = source(dir)) {
            List<String> seen = new ArrayList<>();
            Map<String, Long> skipped;
            try (ImageStream s = src.open(3, 0)) {
                while (s.hasNext()) {
                    SourceImage img = s.next();
                    seen.add(img.id());
                    assertThat((long) img.image().width() * img.image().height()).isLessThanOrEqualTo(10_000);
                }
                skipped = s.skipped();
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(good.stream()
                    .map(p -> Path.of(p).toString()).toList());
            assertThat(skipped).containsEntry("empty", 1L).containsEntry("truncated", 1L)
                    .containsEntry("corrupt", 1L).containsEntry("not_an_image", 1L).containsEntry("unreadable", 1L)
                    .containsEntry("too_large", 1L);
            // two looping file links and one directory link back to an ancestor
            assertThat(skipped.get("symlink_loop")).isEqualTo(3L);
            assertThat(src.index().ignored()).isEqualTo(1); // README.txt
        }
    }

    @Test
    void aTooLargeImageIsDecodedSubsampledNotSkipped() throws IOException {
        TestImages.write(dir.resolve("huge.png"), TestImages.encode(
                TestImages.halves(300, 200, 0xff0000, 0x00ff00, BufferedImage.TYPE_INT_RGB), "png"));
        try (FolderSource src = FolderSource.folder(dir).optMaxPixels(10_000).optIndexFolder(indexDir).build();
             ImageStream s = src.open(0, 0)) {
            SourceImage img = s.next();
            // step 3: 100 x 67 = 6700 pixels (step 2 gives 150 x 100 = 15000)
            assertThat(img.image().width()).isEqualTo(100);
            assertThat(img.image().height()).isEqualTo(67);
        }
    }

    @Test
    void aPipelineOverABadFolderTrainsOnExactlyTheGoodImages() throws IOException {
        Set<String> good = messyFolder();
        Augmentation none = new Augmentation(0, 0, 0, 0, 0, 0.1, 2.0, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0));
        ViewsConfig views = new ViewsConfig(List.of(new CropGroup(2, 8, 0.5, 1.0)), List.of(0, 1), none);
        try (FolderSource src = source(dir)) {
            for (int workers : new int[] {1, 3}) {
                MultiCropPipeline p = MultiCropPipeline.builder().setSource(src).setViews(views).setBatchSize(2)
                        .optWorkers(workers).build();
                int images = 0;
                try (BatchStream s = p.open(5, 1)) {
                    while (s.hasNext()) {
                        images += s.next().batchSize();
                    }
                    assertThat(s.skipped().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(9);
                }
                assertThat(images).isEqualTo(good.size());
            }
        }
    }

    @Test
    void everyEpochOrderIsAShuffleAndShardsSplitIt() throws IOException {
        for (int i = 0; i < 30; i++) {
            TestImages.write(dir.resolve(String.format("d%d/img%02d.png", i % 3, i)), TestImages.encode(
                    TestImages.halves(4, 4, 0x010101 * i, 0, BufferedImage.TYPE_INT_RGB), "png"));
        }
        try (FolderSource src = source(dir)) {
            List<String> e0 = ids(src.open(1, 0));
            List<String> e1 = ids(src.open(1, 1));
            assertThat(e0).hasSize(30).doesNotHaveDuplicates();
            assertThat(e1).containsExactlyInAnyOrderElementsOf(e0).isNotEqualTo(e0);
            assertThat(ids(src.open(1, 0))).isEqualTo(e0);
            List<String> shards = new ArrayList<>(ids(src.open(1, 0, new Shard(0, 2))));
            shards.addAll(ids(src.open(1, 0, new Shard(1, 2))));
            assertThat(shards).containsExactlyInAnyOrderElementsOf(e0);
            // resuming at position 10 gives the tail of the same order
            assertThat(ids(src.open(1, 0, Shard.ALL, 10))).isEqualTo(e0.subList(10, 30));
        }
    }

    private static List<String> ids(ImageStream s) {
        List<String> out = new ArrayList<>();
        try (s) {
            s.forEachRemaining(i -> out.add(i.id()));
        }
        return out;
    }

    @Test
    void aLabelledFolderNumbersClassesByName() throws IOException {
        for (String c : new String[] {"zebra", "ant", "moose"}) {
            for (int i = 0; i < 2; i++) {
                TestImages.write(dir.resolve(c + "/" + i + ".png"), TestImages.encode(
                        TestImages.halves(4, 4, 0, 0, BufferedImage.TYPE_INT_RGB), "png"));
            }
        }
        TestImages.write(dir.resolve("stray.png"), TestImages.encode(
                TestImages.halves(4, 4, 0, 0, BufferedImage.TYPE_INT_RGB), "png"));
        try (FolderSource src = FolderSource.folder(dir).optLabelled(true).optIndexFolder(indexDir).build();
             ImageStream s = src.open(0, 0)) {
            assertThat(src.classes()).containsExactly("ant", "moose", "zebra");
            int n = 0;
            while (s.hasNext()) {
                SourceImage img = s.next();
                String cls = Path.of(img.id()).getParent().getFileName().toString();
                assertThat(src.classes().get(img.label())).isEqualTo(cls);
                n++;
            }
            assertThat(n).isEqualTo(6);
        }
    }

    @Test
    void aFileListNamesTheImagesInsteadOfAWalk() throws IOException {
        TestImages.write(dir.resolve("x/a.jpg"), jpeg(1));
        TestImages.write(dir.resolve("x/b.jpg"), jpeg(2));
        TestImages.write(dir.resolve("x/c.jpg"), jpeg(3));
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "# chosen images\nx/a.jpg\n\n" + dir.resolve("x/c.jpg") + "\nx/missing.jpg\n");
        try (FolderSource src = FolderSource.fileList(list).optIndexFolder(indexDir).build();
             ImageStream s = src.open(0, 0)) {
            List<String> names = new ArrayList<>();
            s.forEachRemaining(i -> names.add(Path.of(i.id()).getFileName().toString()));
            assertThat(names).containsExactlyInAnyOrder("a.jpg", "c.jpg");
            assertThat(s.skipped()).containsExactly(Map.entry("unreadable", 1L));
        }
    }

    @Test
    void aFolderWithoutImagesFailsWithAMessageAndNothingReadableFailsThePipeline() throws IOException {
        TestImages.write(dir.resolve("notes.txt"), "hello".getBytes());
        try (FolderSource src = source(dir)) {
            assertThatThrownBy(() -> src.open(0, 0)).hasMessageContaining("no image files")
                    .hasMessageContaining("1 other files were ignored");
        }
        TestImages.write(dir.resolve("bad.jpg"), "not an image".getBytes());
        TestImages.write(dir.resolve("empty.png"), new byte[0]);
        Augmentation none = new Augmentation(0, 0, 0, 0, 0, 0.1, 2.0, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0));
        ViewsConfig views = new ViewsConfig(List.of(new CropGroup(2, 8, 0.5, 1.0)), List.of(0, 1), none);
        try (FolderSource src = source(dir)) {
            MultiCropPipeline p = MultiCropPipeline.builder().setSource(src).setViews(views).setBatchSize(1).build();
            try (BatchStream s = p.open(0, 0)) {
                assertThatThrownBy(s::hasNext).hasMessageContaining("no readable image in folder " + dir)
                        .hasMessageContaining("not_an_image=1").hasMessageContaining("empty=1");
            }
        }
    }

    @Test
    void closingTheSourceDeletesItsIndexFiles() throws IOException {
        TestImages.write(dir.resolve("a.jpg"), jpeg(1));
        FolderSource src = source(dir);
        src.open(0, 0).close();
        try (var files = Files.list(indexDir)) {
            assertThat(files.count()).isEqualTo(2);
        }
        src.close();
        try (var files = Files.list(indexDir)) {
            assertThat(files.count()).isZero();
        }
    }
}
