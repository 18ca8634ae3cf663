package org.seer4j.core.service;

/** A monotonic nanosecond clock; tests pass a fake one so throughput and ETA are deterministic. */
@FunctionalInterface
public interface Ticker {
    long nanos();

    Ticker SYSTEM = System::nanoTime;
}
