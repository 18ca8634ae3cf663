package org.seer4j.data.webdataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.image.Shard;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.ImageStream;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;
import org.seer4j.data.views.MultiCropPipeline;

class WebDatasetSourceTest {
    @TempDir
    Path tmp;

    /** A 16x12 image of one gray level, encoded as {@code format}. */
    private static byte[] gray(int level, String format) throws IOException {
        BufferedImage img = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 16; x++) {
                img.setRGB(x, y, level * 0x010101);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).isTrue();
        return out.toByteArray();
    }

    /** {@code n} PNGs in two class folders; image i has gray level 20 * i and class i % 2. */
    private Path labelledFolder(int n) throws IOException {
        Path dir = tmp.resolve("images");
        for (int i = 0; i < n; i++) {
            Path f = dir.resolve(i % 2 == 0 ? "cats" : "dogs").resolve(String.format("img%02d.png", i));
            Files.createDirectories(f.getParent());
            Files.write(f, gray(20 * i, "png"));
        }
        return dir;
    }

    private static void tar(Path file, Map<String, byte[]> members) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); TarArchiveOutputStream t = new TarArchiveOutputStream(os)) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(m.getKey());
                e.setSize(m.getValue().length);
                t.putArchiveEntry(e);
                t.write(m.getValue());
                t.closeArchiveEntry();
            }
        }
    }

    private static List<SourceImage> readAll(ImageStream s) {
        List<SourceImage> out = new ArrayList<>();
        s.forEachRemaining(out::add);
        return out;
    }

    @Test
    void bracePatternsExpandAsWebDatasetWritesThem() {
        assertThat(ShardPaths.expand("s/train-{000..002}.tar"))
                .containsExactly("s/train-000.tar", "s/train-001.tar", "s/train-002.tar");
        assertThat(ShardPaths.expand("{a,b}-{08..10}.tar"))
                .containsExactly("a-08.tar", "a-09.tar", "a-10.tar", "b-08.tar", "b-09.tar", "b-10.tar");
        assertThat(ShardPaths.expand("x-{8..10}.tar")).containsExactly("x-8.tar", "x-9.tar", "x-10.tar");
    }

    @Test
    void patternsGlobsAndFoldersNameTheSameShards() throws IOException {
        Path out = tmp.resolve("shards");
        ShardWriter.Summary s = ShardWriter.write(labelledFolder(10), out, 4, true);
        assertThat(s.shards()).isEqualTo(3);
        assertThat(s.samples()).isEqualTo(10);
        List<Path> expected = List.of(out.resolve("shard-000000.tar"), out.resolve("shard-000001.tar"),
                out.resolve("shard-000002.tar"));
        assertThat(ShardPaths.resolve(out + "/shard-{000000..000002}.tar")).isEqualTo(expected);
        assertThat(ShardPaths.resolve(out + "/shard-*.tar")).isEqualTo(expected);
        assertThat(ShardPaths.resolve(out.toString())).isEqualTo(expected);
        assertThat(Files.readString(out.resolve("classes.txt"))).isEqualTo("cats\ndogs\n");
        assertThatThrownBy(() -> ShardPaths.resolve(out + "/shard-{000000..000003}.tar"))
                .hasMessageContaining("shard-000003.tar");
    }

    @Test
    void everySampleComesBackOnceWithItsPixelsAndLabel() throws IOException {
        Path out = tmp.resolve("shards");
        ShardWriter.write(labelledFolder(10), out, 3, true);
        WebDatasetSource src = new WebDatasetSource(out.toString(), "cls", 4);
        assertThat(src.size()).isEqualTo(10);
        List<SourceImage> all = readAll(src.open(5, 0));
        assertThat(all).hasSize(10);
        Set<Integer> levels = new HashSet<>();
        for (SourceImage img : all) {
            int level = img.image().red(3, 3);
            assertThat(level % 20).isZero();
            int i = level / 20;
            assertThat(img.label()).as("label of image %d", i).isEqualTo(i % 2);
            levels.add(i);
        }
        assertThat(levels).hasSize(10);
        // the shuffle depends on the epoch, not on chance
        List<String> a = readAll(src.open(5, 1)).stream().map(SourceImage::id).toList();
        List<String> b = readAll(src.open(5, 1)).stream().map(SourceImage::id).toList();
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(all.stream().map(SourceImage::id).toList());
    }

    @Test
    void readersSplitTheShardsWithoutOverlap() throws IOException {
        Path out = tmp.resolve("shards");
        ShardWriter.write(labelledFolder(12), out, 2, false);
        WebDatasetSource src = new WebDatasetSource(out.toString(), null, 3);
        List<String> r0 = readAll(src.open(1, 0, new Shard(0, 2))).stream().map(SourceImage::id).toList();
        List<String> r1 = readAll(src.open(1, 0, new Shard(1, 2))).stream().map(SourceImage::id).toList();
        assertThat(r0).hasSize(6);
        assertThat(r1).hasSize(6);
        Set<String> union = new HashSet<>(r0);
        union.addAll(r1);
        assertThat(union).hasSize(12);
        assertThat(readAll(src.open(1, 0, new Shard(0, 2))).stream().map(SourceImage::id).toList()).isEqualTo(r0);
    }

    @Test
    void brokenMembersAndATruncatedShardAreSkippedAndCounted() throws IOException {
        Path dir = tmp.resolve("mixed");
        Files.createDirectories(dir);
        Map<String, byte[]> good = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            good.put("g" + i + ".jpg", gray(40 * i + 20, "jpg"));
            good.put("g" + i + ".json", ("{\"label\": " + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        tar(dir.resolve("a.tar"), good);
        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put("html.jpg", "<!DOCTYPE html><html><body>404</body></html>".getBytes(StandardCharsets.UTF_8));
        bad.put("empty.png", new byte[0]);
        bad.put("caption.txt", "a sample with no image".getBytes(StandardCharsets.UTF_8));
        byte[] png = gray(90, "png");
        bad.put("cut.png", Arrays.copyOf(png, png.length / 2)); // an image cut short inside an intact tar
        bad.put("ok.webp.txt", "not an image member".getBytes(StandardCharsets.UTF_8));
        bad.put("fine.bmp", gray(200, "bmp"));
        tar(dir.resolve("b.tar"), bad);
        // a shard whose download stopped inside its second image
        Map<String, byte[]> last = new java.util.LinkedHashMap<>();
        last.put("l0.png", gray(10, "png"));
        last.put("l1.png", gray(30, "png"));
        tar(dir.resolve("c.tar"), last);
        byte[] c = Files.readAllBytes(dir.resolve("c.tar"));
        Files.write(dir.resolve("c.tar"), Arrays.copyOf(c, 512 + 512 * ((png.length + 511) / 512) + 512 + 100));

        WebDatasetSource src = new WebDatasetSource(dir + "/*.tar", "json", 2);
        try (ImageStream s = src.open(3, 0)) {
            List<SourceImage> images = readAll(s);
            assertThat(images).extracting(SourceImage::id).map(id -> id.substring(id.lastIndexOf(':') + 1))
                    .containsExactlyInAnyOrder("g0", "g1", "g2", "g3", "fine", "l0");
            for (SourceImage img : images) {
                if (img.id().contains(":g")) {
                    int i = Integer.parseInt(img.id().substring(img.id().length() - 1));
                    assertThat(img.label()).isEqualTo(i);
                    assertThat(img.image().green(8, 6)).isBetween(40 * i + 20 - 2, 40 * i + 20 + 2);
                }
            }
            assertThat(s.skipped()).containsEntry("not_an_image", 3L) // html, caption-only, "ok" (.webp.txt)
                    .containsEntry("empty", 1L).containsEntry("truncated", 2L); // cut.png and the cut shard
        }
    }

    @Test
    void aResumedPipelineGivesTheBatchesTheRunWouldHaveSeen() throws IOException {
        Path out = tmp.resolve("shards");
        Path images = tmp.resolve("textured");
        for (int i = 0; i < 24; i++) {
            BufferedImage img = new BufferedImage(20, 16, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 20; x++) {
                    img.setRGB(x, y, (x * 13 + y * 7 + i * 29) * 0x010203 & 0xffffff);
                }
            }
            Files.createDirectories(images);
            ImageIO.write(img, "png", images.resolve(String.format("t%02d.png", i)).toFile());
        }
        ShardWriter.write(images, out, 3, false);
        WebDatasetSource src = new WebDatasetSource(out.toString(), null, 4);
        ViewsConfig views = new ViewsConfig(List.of(new CropGroup(2, 8, 0.3, 1.0), new CropGroup(2, 4, 0.05, 0.3)),
                List.of(0, 1), Augmentation.defaults());
        MultiCropPipeline p = MultiCropPipeline.builder().setSource(src).setViews(views).setBatchSize(4)
                .optWorkers(2).build();
        List<MultiCropBatch> all = new ArrayList<>();
        try (BatchStream s = p.open(7, 1)) {
            s.forEachRemaining(all::add);
        }
        assertThat(all).hasSize(6);
        long position;
        try (BatchStream s = p.open(7, 1)) {
            s.next();
            s.next();
            position = s.position();
        }
        List<MultiCropBatch> rest = new ArrayList<>();
        try (BatchStream s = p.open(7, 1, position)) {
            s.forEachRemaining(rest::add);
        }
        assertThat(rest).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(rest.get(i).groups()).isEqualTo(all.get(i + 2).groups());
        }
    }

    @Test
    void theDataSectionOpensShardsWithItsLabelsAndShuffleBuffer() throws IOException {
        Path out = tmp.resolve("shards");
        ShardWriter.write(labelledFolder(6), out, 2, true);
        org.seer4j.core.config.DataConfig d = new org.seer4j.core.config.DataConfig("webdataset",
                out + "/shard-{000000..000002}.tar", null, false, 1, "cls", 2);
        org.seer4j.core.port.ImageSource src = new org.seer4j.data.DataAdapters().imageSource(d);
        assertThat(src).isInstanceOf(WebDatasetSource.class);
        List<SourceImage> all = readAll(src.open(1, 0));
        assertThat(all).hasSize(6).allMatch(img -> img.label() == img.image().red(0, 0) / 20 % 2);
    }
}
