package org.seer4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.seer4j.core.config.DataConfig;
import org.seer4j.core.config.OutputConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.image.Shard;
import org.seer4j.core.port.BatchSource;
import org.seer4j.core.port.CheckpointStore;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.port.MetricsSink;
import org.seer4j.data.checkpoint.FileCheckpointStore;
import org.seer4j.data.image.FolderSource;
import org.seer4j.data.image.IdxSource;
import org.seer4j.data.metrics.CompositeMetricsSink;
import org.seer4j.data.metrics.CsvMetricsSink;
import org.seer4j.data.metrics.JsonLinesMetricsSink;
import org.seer4j.data.metrics.TensorBoardMetricsSink;
import org.seer4j.data.views.MultiCropPipeline;

/**
 * Makes the data-side adapters from the run configuration: the app asks for these once a config is loaded
 * (which is why they are factories, not Guice bindings of their own).
 */
public final class DataAdapters {

    /**
     * The configured image source: {@code sample} (bundled Fashion-MNIST, training split), {@code idx}
     * ({@code data.path} = images file, or a folder with Fashion-MNIST's standard names; {@code data.labels}
     * optional), {@code folder} ({@code data.path} = folder, or a {@code .txt} file list; {@code data.labelled}).
     */
    public ImageSource imageSource(DataConfig data) {
        try {
            return switch (data.source()) {
                case "sample" -> IdxSource.sample(true);
                case "idx" -> {
                    Path p = Path.of(data.path());
                    if (Files.isDirectory(p)) {
                        yield IdxSource.fashionMnist(p, true);
                    }
                    yield IdxSource.of(p, data.labels() == null ? null : Path.of(data.labels()));
                }
                case "folder" -> {
                    Path p = Path.of(data.path());
                    if (Files.isRegularFile(p)) {
                        yield FolderSource.fileList(p).build();
                    }
                    yield FolderSource.folder(p).optLabelled(data.labelled()).build();
                }
                default -> throw new IllegalArgumentException("unknown data.source '" + data.source() + "'");
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open data.path " + data.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A separate labelled test split where the source has one: the bundled sample's 1000 test images, or
     * Fashion-MNIST's t10k files when {@code data.path} is their folder. Empty otherwise (evaluation then holds
     * out {@code eval.test_fraction}).
     */
    public Optional<ImageSource> testSource(DataConfig data) {
        try {
            if ("sample".equals(data.source())) {
                return Optional.of(IdxSource.sample(false));
            }
            if ("idx".equals(data.source()) && Files.isDirectory(Path.of(data.path()))) {
                return Optional.of(IdxSource.fashionMnist(Path.of(data.path()), false));
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the test split in " + data.path() + ": " + e.getMessage(), e);
        }
    }

    /** Multi-crop batches of the configured source: {@code views}, {@code train.batch_size}, {@code data.workers}. */
    public BatchSource batches(RunConfig config, ImageSource source) {
        return batches(config, source, Shard.ALL);
    }

    /** A data-parallel worker's batches: its shard of every epoch, {@code train.batch_size / rank.count()} images. */
    public BatchSource batches(RunConfig config, ImageSource source, Shard rank) {
        if (config.train().batchSize() % rank.count() != 0) {
            throw new IllegalArgumentException("train.batch_size " + config.train().batchSize()
                    + " does not split evenly between " + rank.count() + " data-parallel workers");
        }
        return MultiCropPipeline.builder().setSource(source).setViews(config.views())
                .setBatchSize(config.train().batchSize() / rank.count()).optWorkers(config.data().workers())
                .optRank(rank).build();
    }

    /** Checkpoints under {@code runDir/checkpoints}, keeping {@code train.keep_checkpoints}. */
    public CheckpointStore checkpoints(RunConfig config, Path runDir) {
        return new FileCheckpointStore(runDir.resolve("checkpoints"), config.train().keepCheckpoints());
    }

    /**
     * The sinks named in {@code output.metrics}, writing {@code runDir/metrics.jsonl}, {@code metrics.csv} and a
     * TensorBoard {@code events.out.tfevents.*} file.
     */
    public MetricsSink metrics(OutputConfig output, Path runDir) {
        List<MetricsSink> sinks = new ArrayList<>();
        try {
            for (String m : output.metrics()) {
                switch (m) {
                    case "jsonl" -> sinks.add(new JsonLinesMetricsSink(runDir.resolve("metrics.jsonl")));
                    case "csv" -> sinks.add(new CsvMetricsSink(runDir.resolve("metrics.csv")));
                    case "tensorboard" -> sinks.add(new TensorBoardMetricsSink(runDir));
                    default -> throw new IllegalArgumentException("unknown metrics sink '" + m + "'");
                }
            }
        } catch (IOException e) {
            sinks.forEach(MetricsSink::close);
            throw new UncheckedIOException("cannot open metrics files in " + runDir, e);
        }
        return new CompositeMetricsSink(sinks);
    }
}
