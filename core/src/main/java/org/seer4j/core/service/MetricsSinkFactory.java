package org.seer4j.core.service;

import java.nio.file.Path;
import org.seer4j.core.port.MetricsSink;

/** Opens one metrics sink ({@code jsonl}, {@code csv}) in a run folder; a resumed run appends to it. */
@FunctionalInterface
public interface MetricsSinkFactory {
    MetricsSink open(Path runDirectory, String kind);
}
