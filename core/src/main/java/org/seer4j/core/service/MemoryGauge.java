package org.seer4j.core.service;

/** A memory reading in bytes (the app reads the process resident set size, JVM heap and native memory alike). */
@FunctionalInterface
public interface MemoryGauge {
    long bytes();

    /** Used heap of this JVM: misses the engines' native memory, for when nothing better is available. */
    MemoryGauge JVM_HEAP = () -> Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
}
