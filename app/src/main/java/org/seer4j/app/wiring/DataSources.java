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
import org.seer4j.core.service.TrainingDataFactory;
import org.seer4j.data.image.FolderSource;
import org.seer4j.data.image.IdxSource;
import org.seer4j.data.views.MultiCropPipeline;

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

    @Override
    public TrainingData open(RunConfig config) {
        ImageSource images = images(config);
        MultiCropPipeline batches = MultiCropPipeline.builder().setSource(images).setViews(config.views())
                .setBatchSize(config.train().batchSize()).optWorkers(config.data().workers()).build();
        return new TrainingData(batches, size(images));
    }

    @Override
    public ImageSource images(RunConfig config) {
        DataConfig d = config.data();
        return switch (d.source()) {
            case "sample" -> IdxSource.sample(true);
            case "idx" -> idx(d, true);
            default -> folder(d, d.labelled());
        };
    }

    @Override
    public Splits labelled(RunConfig config) {
        DataConfig d = config.data();
        return switch (d.source()) {
            case "sample" -> new Splits(IdxSource.sample(true), IdxSource.sample(false));
            case "idx" -> Files.isDirectory(Path.of(d.path())) ? new Splits(idx(d, true), idx(d, false))
                    : new Splits(idx(d, true), null);
            default -> new Splits(folder(d, true), null);
        };
    }

    private static IdxSource idx(DataConfig d, boolean train) {
        Path path = Path.of(d.path());
        try {
            if (Files.isDirectory(path)) {
                return IdxSource.fashionMnist(path, train);
            }
            if (!Files.isRegularFile(path)) {
                throw new UserException("data.path: no IDX images file or folder at " + path);
            }
            return IdxSource.of(path, d.labels() == null ? null : Path.of(d.labels()));
        } catch (IOException e) {
            throw new UserException("data.path: cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static FolderSource folder(DataConfig d, boolean labelled) {
        Path path = Path.of(d.path());
        if (Files.isRegularFile(path)) {
            return FolderSource.fileList(path).build();
        }
        if (!Files.isDirectory(path)) {
            throw new UserException("data.path: no folder or file list at " + path);
        }
        return FolderSource.folder(path).optLabelled(labelled).build();
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
