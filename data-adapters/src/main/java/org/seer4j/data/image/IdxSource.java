package org.seer4j.data.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.seer4j.core.image.RgbImage;
import org.seer4j.core.image.Shard;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.port.ImageStream;

/**
 * Images from IDX files (MNIST, Fashion-MNIST), held in memory (Fashion-MNIST's 60000 training images take
 * 47 MB). Gray pixels become RGB with three equal channels. Labels, when given, must count the same items.
 */
public final class IdxSource implements ImageSource {
    /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    private final String description;
    private final IdxFile images;
    private final byte[] labels;
    private final int height;
    private final int width;

    public IdxSource(String description, IdxFile images, IdxFile labels) {
        if (images.dims().length != 3) {
            throw new IllegalArgumentException(description + ": images need 3 IDX dimensions (count, rows, "
                    + "columns), got " + Arrays.toString(images.dims()));
        }
        if (images.dims()[1] < 1 || images.dims()[2] < 1) {
            throw new IllegalArgumentException(description + ": empty images " + Arrays.toString(images.dims()));
        }
        if (labels != null && (labels.dims().length != 1 || labels.count() != images.count())) {
            throw new IllegalArgumentException(description + ": labels " + Arrays.toString(labels.dims())
                    + " do not match " + images.count() + " images");
        }
        this.description = description;
        this.images = images;
        this.labels = labels == null ? null : labels.values();
        this.height = images.dims()[1];
        this.width = images.dims()[2];
    }

    /** Reads an images file and, if {@code labelsFile} is not null, its labels. */
    public static IdxSource of(Path imagesFile, Path labelsFile) throws IOException {
        IdxFile img = IdxFile.read(imagesFile);
        IdxFile lab = labelsFile == null ? null : IdxFile.read(labelsFile);
        return new IdxSource("idx " + imagesFile + (labelsFile == null ? "" : " labels " + labelsFile), img, lab);
    }

    /**
     * Fashion-MNIST from a folder holding the four standard files ({@code train-images-idx3-ubyte.gz},
     * {@code t10k-...}), gzipped or not.
     */
    public static IdxSource fashionMnist(Path folder, boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        Path img = existing(folder, prefix + "-images-idx3-ubyte");
        Path lab = existing(folder, prefix + "-labels-idx1-ubyte");
        return of(img, lab);
    }

    private static Path existing(Path folder, String base) throws IOException {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("no " + base + "[.gz] in " + folder
                + (folder.equals(FASHION_MNIST) ? " (install Debian's dataset-fashion-mnist package)" : ""));
    }

    /** Reads IDX streams (e.g. class-path resources); closes them. */
    public static IdxSource of(String description, InputStream imagesIn, InputStream labelsIn) throws IOException {
        try (InputStream i = imagesIn; InputStream l = labelsIn) {
            IdxFile img = IdxFile.read(i, description + " images");
            IdxFile lab = l == null ? null : IdxFile.read(l, description + " labels");
            return new IdxSource(description, img, lab);
        }
    }

    @Override
    public String describe() {
        return description + " (" + size() + " images " + width + "x" + height + ")";
    }

    public int size() {
        return images.count();
    }

    public boolean labelled() {
        return labels != null;
    }

    /** The item at {@code index} in file order. */
    public SourceImage image(int index) {
        int n = width * height;
        byte[] rgb = new byte[n * 3];
        byte[] gray = images.values();
        int base = index * n;
        for (int i = 0; i < n; i++) {
            byte g = gray[base + i];
            rgb[3 * i] = g;
            rgb[3 * i + 1] = g;
            rgb[3 * i + 2] = g;
        }
        int label = labels == null ? SourceImage.UNLABELLED : labels[index] & 0xff;
        return new SourceImage("idx:" + index, new RgbImage(width, height, rgb), label);
    }

    @Override
    public ImageStream open(long seed, long epoch, Shard shard) {
        return open(seed, epoch, shard, 0);
    }

    @Override
    public ImageStream open(long seed, long epoch, Shard shard, long startPosition) {
        EpochOrder order = new EpochOrder(size(), seed, epoch);
        return PositionedStream.images(new IndexedStream<>(order, shard, startPosition, i -> Loaded.of(image((int) i)),
                () -> { }));
    }

    /** The bundled Fashion-MNIST subset shipped in this jar (see {@code org/seer4j/data/sample/README.md}). */
    public static IdxSource sample(boolean train) {
        String split = train ? "train" : "test";
        String base = "/org/seer4j/data/sample/fashion-mnist-" + split;
        InputStream img = IdxSource.class.getResourceAsStream(base + "-images-idx3-ubyte.gz");
        InputStream lab = IdxSource.class.getResourceAsStream(base + "-labels-idx1-ubyte.gz");
        if (img == null || lab == null) {
            throw new IllegalStateException("the bundled sample " + base + "-*.gz is missing from the class path");
        }
        try {
            return of("bundled Fashion-MNIST sample (" + split + ")", img, lab);
        } catch (IOException e) {
            throw new UncheckedIOException("the bundled sample is damaged", e);
        }
    }
}
