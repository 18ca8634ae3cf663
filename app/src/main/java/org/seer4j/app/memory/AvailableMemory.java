package org.seer4j.app.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * How much memory a run may use: the smaller of what the machine can give now (MemAvailable of /proc/meminfo:
 * free memory plus what the kernel can reclaim, such as file cache) and the cgroup's limit (cgroup v2
 * {@code memory.max} or v1 {@code memory.limit_in_bytes}, less what the group already uses), plus what this
 * process already holds (its resident set counts against both, and is part of the run's peak).
 *
 * <p>Both engines allocate tensors outside the Java heap, so this native figure is what a plan is compared with.
 * The JVM heap (-Xmx, set through SEER4J_JAVA_OPTS) is a separate ceiling on the Java side only: with chunked
 * weight transfer the heap holds batches and bookkeeping, not model-sized data.
 */
public record AvailableMemory(long bytes, String source) {
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    /** This machine's figure now; {@code Long.MAX_VALUE} where /proc is missing (not Linux). */
    public static AvailableMemory now(long ownResidentBytes) {
        OptionalLong available = meminfo("MemAvailable:");
        if (available.isEmpty()) return new AvailableMemory(Long.MAX_VALUE, "unknown (no /proc/meminfo)");
        long bytes = available.getAsLong() + ownResidentBytes;
        String source = "MemAvailable";
        OptionalLong limit = cgroupHeadroom();
        if (limit.isPresent() && limit.getAsLong() + ownResidentBytes < bytes) {
            bytes = limit.getAsLong() + ownResidentBytes;
            source = "cgroup memory limit";
        }
        return new AvailableMemory(bytes, source);
    }

    private static OptionalLong meminfo(String key) {
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith(key)) {
                    return OptionalLong.of(Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return OptionalLong.empty();
    }

    /** The cgroup's limit less its usage, if this process runs under a limit. */
    private static OptionalLong cgroupHeadroom() {
        OptionalLong v2 = headroom(Path.of("/sys/fs/cgroup/memory.max"), Path.of("/sys/fs/cgroup/memory.current"));
        return v2.isPresent() ? v2 : headroom(Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
                Path.of("/sys/fs/cgroup/memory/memory.usage_in_bytes"));
    }

    private static OptionalLong headroom(Path limitFile, Path usageFile) {
        try {
            String limit = Files.readString(limitFile).trim();
            if (limit.equals("max")) return OptionalLong.empty();
            long l = Long.parseLong(limit);
            if (l >= Long.MAX_VALUE / 2) return OptionalLong.empty(); // v1 writes a huge number for "no limit"
            long used = Files.isReadable(usageFile) ? Long.parseLong(Files.readString(usageFile).trim()) : 0;
            return OptionalLong.of(Math.max(0, l - used));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
