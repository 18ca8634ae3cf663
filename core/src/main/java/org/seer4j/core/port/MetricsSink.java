package org.seer4j.core.port;

/** Driven port: where per-step metrics go (JSON lines, CSV, later TensorBoard). */
public interface MetricsSink extends AutoCloseable {

    void record(MetricsRecord record);

    @Override
    void close();
}
