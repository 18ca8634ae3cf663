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
 */
public record DataConfig(String source, String path, String labels, boolean labelled, int workers) {

    public static final List<String> SOURCES = List.of("sample", "idx", "folder");

    public DataConfig {
        Check.oneOf("data.source", source, SOURCES);
        if (!"sample".equals(source) && (path == null || path.isBlank())) {
            throw new ConfigException("data.path", "is required when data.source is " + source);
        }
        Check.positive("data.workers", workers);
    }

    public static DataConfig defaults() {
        return new DataConfig("sample", null, null, false, 2);
    }
}
