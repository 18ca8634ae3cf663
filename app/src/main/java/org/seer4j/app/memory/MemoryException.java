package org.seer4j.app.memory;

import java.util.Locale;

/**
 * A run that does not fit: refused before it starts (exit 2, like any bad configuration) or out of memory while it
 * runs (exit 1). The CLI prints the message, one line, and no stack trace.
 */
public final class MemoryException extends RuntimeException {
    private final int exitCode;

    private MemoryException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static MemoryException refused(String message) {
        return new MemoryException(message, 2, null);
    }

    public static MemoryException ranOut(String message, Throwable cause) {
        return new MemoryException(message, 1, cause);
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * Whether {@code t} (or a cause) is a failed allocation: the Java heap's OutOfMemoryError, or an engine's
     * native one, which DJL/PyTorch and TensorFlow report as exceptions whose messages say so.
     */
    public static boolean isOutOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError) return true;
            String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("can't allocate memory") || m.contains("cannot allocate memory")
                    || m.contains("oom when allocating") || m.contains("std::bad_alloc")
                    || m.contains("out of memory") || c.getClass().getSimpleName().equals("ResourceExhaustedException")) {
                return true;
            }
        }
        return false;
    }

    /** The kind of memory that ran out, for the message. */
    public static String what(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError) return "the Java heap ran out (" + c.getMessage()
                    + "; raise -Xmx through SEER4J_JAVA_OPTS if the machine has room)";
        }
        return "the engine could not allocate native memory";
    }
}
