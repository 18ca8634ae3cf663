package org.seer4j.app.wiring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.seer4j.app.UserException;
import org.seer4j.core.config.DataConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.service.ImageSources;
import org.seer4j.core.service.TrainingData;
import org.seer4j.core.image.Shard;
import org.seer4j.core.service.TrainingDataFactory;
import org.seer4j.data.DataAdapters;
import org.seer4j.data.image.FolderSource;
import org.seer4j.data.image.IdxSource;

/**
 * The {@code data} section turned into image sources:
 * <ul>
 *   <li>{@code sample}: the bundled Fashion-MNIST subset (4000 training images, 1000 test images);</li>
 *   <li>{@code idx}: {@code data.path} is either a folder with the four standard MNIST-format files (training
 *       split for pretraining, {@code t10k} split for evaluation) or one images file ({@code data.labels} its
 *       labels; evaluation then holds out {@code eval.test_fraction});</li>
 *   <li>{@code folder}: a folder tree of images ({@code data.labelled}: class sub-folders), or a text file
 *       listing one image per line.</li>
 * </ul>
 */
public final class DataSources implements ImageSources, TrainingDataFactory {

    private final DataAdapters adapters = new DataAdapters();

    @Override
    public TrainingData open(RunConfig config) {
        ImageSource images = images(config);
        return new TrainingData(adapters.batches(config, images), size(images));
    }

    @Override
    public TrainingData open(RunConfig config, Shard rank) {
        ImageSource images = images(config);
        return new TrainingData(adapters.batches(config, images, rank), size(images));
    }

    @Override
    public ImageSource images(RunConfig config) {
        DataConfig d = config.data();
        check(d);
        try {
            return adapters.imageSource(d);
        } catch (UncheckedIOException e) {
            throw new UserException("data.path: " + e.getMessage(), e);
        }
    }

    @Override
    public Splits labelled(RunConfig config) {
        DataConfig d = config.data();
        check(d);
        return switch (d.source()) {
            case "sample" -> new Splits(IdxSource.sample(true), IdxSource.sample(false));
            case "idx" -> Files.isDirectory(Path.of(d.path())) ? new Splits(idx(d, true), idx(d, false))
                    : new Splits(images(config), null);
            default -> new Splits(Files.isRegularFile(Path.of(d.path())) ? images(config)
                    : FolderSource.folder(Path.of(d.path())).optLabelled(true).build(), null);
        };
    }

    /** A missing path is the user's mistake: say so before any adapter trips over it. */
    private static void check(DataConfig d) {
        if (d.path() != null && !Files.exists(Path.of(d.path()))) {
            throw new UserException("data.path: " + d.path() + " does not exist");
        }
        if (d.labels() != null && !Files.isRegularFile(Path.of(d.labels()))) {
            throw new UserException("data.labels: " + d.labels() + " is not a file");
        }
    }

    /** One split of a folder holding the standard MNIST-format files. */
    private static IdxSource idx(DataConfig d, boolean train) {
        try {
            return IdxSource.fashionMnist(Path.of(d.path()), train);
        } catch (IOException e) {
            throw new UserException("data.path: cannot read " + d.path() + ": " + e.getMessage(), e);
        }
    }

    /** Images in an epoch of {@code config}'s training data, as far as the source knows before reading them. */
    public static long imagesPerEpoch(RunConfig config) {
        return size(new DataSources().images(config));
    }

    /** Images in an epoch, as far as the source knows before reading them. */
    static long size(ImageSource source) {
        if (source instanceof IdxSource idx) {
            return idx.size();
        }
        if (source instanceof FolderSource folder) {
            try {
                return folder.index().size();
            } catch (UncheckedIOException | IllegalStateException e) {
                throw new UserException("data.path: " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("cannot tell how many images " + source.describe() + " holds");
    }
}
