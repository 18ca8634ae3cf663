package org.seer4j.core.config;

import java.util.List;

/**
 * The {@code data} section: where images come from.
 *
 * @param source    {@code sample} (bundled Fashion-MNIST subset), {@code idx} (MNIST-format files) or {@code folder}
 * @param path      folder, IDX images file or file list; null for {@code sample}
 * @param labels    labels file (IDX) for evaluation, or null
 * @param labelled  the folder is {@code class_name/*.jpg} (evaluation)
 * @param workers   decoding and augmentation threads
 * @param labelsFrom    {@code webdataset}: the member that labels a sample for evaluation, {@code cls} or
 *                      {@code json} (its {@code label} field); null for none
 * @param shuffleBuffer {@code webdataset}: samples each loader thread shuffles among (1 = shard order)
 */
public record DataConfig(String source, String path, String labels, boolean labelled, int workers,
                         String labelsFrom, int shuffleBuffer) {

    public static final List<String> SOURCES = List.of("sample", "idx", "folder", "webdataset");
    public static final int DEFAULT_SHUFFLE_BUFFER = 256;

    public DataConfig {
        Check.oneOf("data.source", source, SOURCES);
        if (!"sample".equals(source) && (path == null || path.isBlank())) {
            throw new ConfigException("data.path", "is required when data.source is " + source);
        }
        Check.positive("data.workers", workers);
        if (labelsFrom != null) {
            Check.oneOf("data.labels_from", labelsFrom, List.of("cls", "json"));
        }
        Check.positive("data.shuffle_buffer", shuffleBuffer);
    }

    public DataConfig(String source, String path, String labels, boolean labelled, int workers) {
        this(source, path, labels, labelled, workers, null, DEFAULT_SHUFFLE_BUFFER);
    }

    public static DataConfig defaults() {
        return new DataConfig("sample", null, null, false, 2);
    }
}
