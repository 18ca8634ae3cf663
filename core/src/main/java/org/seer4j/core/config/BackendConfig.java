package org.seer4j.core.config;

import java.util.List;

/**
 * The {@code backend} section: which engine does the tensor math, on which device, with how many threads.
 *
 * @param threads intra-op threads; 0 lets the engine choose
 */
public record BackendConfig(String name, String device, int threads) {

    public static final List<String> NAMES = List.of("djl", "tensorflow");
    public static final List<String> DEVICES = List.of("auto", "cpu", "gpu");

    public BackendConfig {
        Check.oneOf("backend.name", name, NAMES);
        Check.oneOf("backend.device", device, DEVICES);
        Check.nonNegative("backend.threads", threads);
    }

    public static BackendConfig defaults() {
        return new BackendConfig("djl", "auto", 0);
    }
}
