package org.seer4j.core.config;

import java.util.List;

/**
 * The {@code output} section.
 *
 * @param dir     run folder; null means {@code runs/<time>-<config name>}
 * @param metrics sinks to write: {@code jsonl}, {@code csv}, {@code tensorboard}
 * @param report  write {@code report.html} at the end
 */
public record OutputConfig(String dir, List<String> metrics, boolean report) {

    public static final List<String> SINKS = List.of("jsonl", "csv", "tensorboard");

    public OutputConfig {
        metrics = List.copyOf(Check.present("output.metrics", metrics));
        for (String m : metrics) Check.oneOf("output.metrics", m, SINKS);
    }

    public static OutputConfig defaults() {
        return new OutputConfig(null, List.of("jsonl"), true);
    }
}
