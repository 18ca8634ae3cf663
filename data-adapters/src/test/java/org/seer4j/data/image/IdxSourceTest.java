package org.seer4j.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.image.Shard;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.ImageStream;

class IdxSourceTest {
    @TempDir
    Path dir;

    /** Three 2x3 images whose pixels are 10*image + index, and labels 7, 8, 9. */
    private Path[] writeTiny(boolean gzip) throws IOException {
        byte[] px = new byte[3 * 6];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (10 * (i / 6) + i % 6);
        }
        byte[] images = IdxFile.encode(new int[] {3, 2, 3}, px);
        byte[] labels = IdxFile.encode(new int[] {3}, new byte[] {7, 8, 9});
        Path i = dir.resolve(gzip ? "img.gz" : "img");
        Path l = dir.resolve(gzip ? "lab.gz" : "lab");
        Files.write(i, gzip ? gz(images) : images);
        Files.write(l, gzip ? gz(labels) : labels);
        return new Path[] {i, l};
    }

    private static byte[] gz(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void readsPlainAndGzippedIdxAsGrayRgbWithLabels() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            Path[] f = writeTiny(gzip);
            IdxSource s = IdxSource.of(f[0], f[1]);
            assertThat(s.size()).isEqualTo(3);
            SourceImage img = s.image(1);
            assertThat(img.label()).isEqualTo(8);
            assertThat(img.image().width()).isEqualTo(3);
            assertThat(img.image().height()).isEqualTo(2);
            // row 1, column 2 is value index 5 of image 1: 10 + 5
            assertThat(img.image().red(2, 1)).isEqualTo(15);
            assertThat(img.image().green(2, 1)).isEqualTo(15);
            assertThat(img.image().blue(0, 0)).isEqualTo(10);
        }
    }

    @Test
    void anEpochVisitsEveryImageOnceAndShardsPartitionIt() throws IOException {
        Path[] f = writeTiny(true);
        IdxSource s = IdxSource.of(f[0], f[1]);
        List<String> all = new ArrayList<>();
        try (ImageStream st = s.open(1, 0)) {
            st.forEachRemaining(i -> all.add(i.id()));
        }
        assertThat(all).containsExactlyInAnyOrder("idx:0", "idx:1", "idx:2");
        List<String> sharded = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            try (ImageStream st = s.open(1, 0, new Shard(k, 2))) {
                while (st.hasNext()) {
                    String id = st.next().id();
                    assertThat(st.position() % 2).isEqualTo(k);
                    assertThat(all.get((int) st.position())).isEqualTo(id);
                    sharded.add(id);
                }
            }
        }
        assertThat(sharded).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void rejectsTruncatedFilesAndMismatchedLabels() throws IOException {
        Path[] f = writeTiny(false);
        byte[] bytes = Files.readAllBytes(f[0]);
        Path cut = dir.resolve("cut");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertThatThrownBy(() -> IdxFile.read(cut)).hasMessageContaining("need 18 values but the file has 17");
        Path lab2 = dir.resolve("lab2");
        Files.write(lab2, IdxFile.encode(new int[] {2}, new byte[] {1, 2}));
        assertThatThrownBy(() -> IdxSource.of(f[0], lab2)).hasMessageContaining("do not match 3 images");
        Path text = dir.resolve("text");
        Files.writeString(text, "hello world");
        assertThatThrownBy(() -> IdxFile.read(text)).hasMessageContaining("not an IDX file");
        Path gzCut = dir.resolve("gzcut");
        byte[] g = gz(bytes);
        Files.write(gzCut, java.util.Arrays.copyOf(g, g.length / 2));
        assertThatThrownBy(() -> IdxFile.read(gzCut)).hasMessageContaining("gzip");
    }

    @Test
    void theBundledSampleHoldsLabelledFashionMnistImages() {
        IdxSource train = IdxSource.sample(true);
        IdxSource test = IdxSource.sample(false);
        assertThat(train.size()).isEqualTo(4000);
        assertThat(test.size()).isEqualTo(1000);
        Set<Integer> labels = new HashSet<>();
        for (int i = 0; i < train.size(); i++) {
            labels.add(train.image(i).label());
        }
        assertThat(labels).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(train.image(0).image().width()).isEqualTo(28);
    }

    @Test
    void readsDebianFashionMnistWhenInstalled() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(IdxSource.FASHION_MNIST));
        IdxSource s = IdxSource.fashionMnist(IdxSource.FASHION_MNIST, false);
        assertThat(s.size()).isEqualTo(10000);
        // the bundled test split is the first 1000 of the same file
        assertThat(s.image(999).image().pixels()).isEqualTo(IdxSource.sample(false).image(999).image().pixels());
    }
}
