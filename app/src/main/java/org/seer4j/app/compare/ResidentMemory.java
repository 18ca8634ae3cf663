package org.seer4j.app.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.seer4j.core.service.MemoryGauge;

/**
 * The process's current resident set (VmRSS of /proc/self/status): JVM heap and the engines' native memory alike.
 * Where /proc is missing (not Linux) it falls back to the JVM's used heap, which misses native memory.
 */
public final class ResidentMemory implements MemoryGauge {
    private static final Path STATUS = Path.of("/proc/self/status");

    /** What {@link #bytes()} reads here, for the report. */
    public static String describe() {
        return Files.isReadable(STATUS) ? "process resident set (VmRSS), largest after any step less before opening"
                : "JVM used heap (no /proc here: native memory not counted), largest after any step less before opening";
    }

    @Override
    public long bytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // the kernel writes kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or an unexpected format: fall through to the heap
        }
        return MemoryGauge.JVM_HEAP.bytes();
    }
}
