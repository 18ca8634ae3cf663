package org.seer4j.app;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.seer4j.app.log.Logging;
import org.seer4j.app.memory.MemoryException;
import org.seer4j.core.config.ConfigException;
import org.seer4j.core.port.DataException;
import picocli.CommandLine;

/**
 * How a failed command ends: one line for the user and an exit code ({@link #BAD_INPUT} for a wrong setting,
 * argument or data set, {@link #RUNTIME} for a failure of the run itself, {@link #INTERRUPTED} for Ctrl-C).
 * The stack trace goes to the log (console with {@code --verbose}, and the run folder's {@code log.txt}).
 */
public record Failure(int code, String message) {
    public static final int RUNTIME = 1;
    public static final int BAD_INPUT = 2;
    public static final int INTERRUPTED = 130;

    public static Failure of(Throwable thrown) {
        Throwable t = unwrap(thrown);
        if (t instanceof MemoryException m) {
            return new Failure(m.exitCode(), m.getMessage());
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError oom) {
                return outOfMemory(oom);
            }
        }
        if (t instanceof WorkerFailedException w) {
            return new Failure(w.exitCode(), w.getMessage());
        }
        if (t instanceof ConfigException || t instanceof UserException || t instanceof DataException
                || t instanceof IllegalArgumentException) {
            return new Failure(BAD_INPUT, t.getMessage());
        }
        if (MemoryException.isOutOfMemory(t)) {
            return new Failure(RUNTIME, "out of memory: " + MemoryException.what(t)
                    + " (seer4j plan estimates what a configuration needs)");
        }
        if (t instanceof InterruptedException) {
            return new Failure(INTERRUPTED, "interrupted");
        }
        if (t instanceof UncheckedIOException || t instanceof IOException) {
            return new Failure(RUNTIME, t.getMessage());
        }
        String what = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getName() : t.getMessage();
        return new Failure(RUNTIME, firstLine(what) + " (stack trace: --verbose or " + Logging.runLogHint() + ")");
    }

    /** Strips the wrappers that carry nothing for the user: picocli's, Guice's, and causes re-wrapped as-is. */
    private static Throwable unwrap(Throwable t) {
        while (t.getCause() != null && (t instanceof CommandLine.ExecutionException
                || t instanceof ProvisionException || t instanceof CreationException
                || t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.util.concurrent.CompletionException)) {
            t = t.getCause();
        }
        if (t instanceof ProvisionException p && p.getCause() == null && !p.getErrorMessages().isEmpty()
                && p.getErrorMessages().iterator().next().getCause() != null) {
            return unwrap(p.getErrorMessages().iterator().next().getCause());
        }
        return t;
    }

    private static Failure outOfMemory(OutOfMemoryError e) {
        double gib = Runtime.getRuntime().maxMemory() / (1024.0 * 1024 * 1024);
        return new Failure(RUNTIME, String.format(Locale.ROOT, "out of Java heap memory (%s; the JVM may use "
                + "%.1f GiB): give it more with SEER4J_JAVA_OPTS=-Xmx<size>, or lower train.batch_size or the model "
                + "size", e.getMessage() == null ? "no detail" : e.getMessage(), gib));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
