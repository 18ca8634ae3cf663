package org.seer4j.app.engine;

import java.time.Duration;
import java.util.Map;
import org.seer4j.core.distributed.WorkerEnvironment;
import org.seer4j.core.port.Collective;
import org.seer4j.tensorflow.TfCollective;

/**
 * The composition root's choice of collective: one process gets {@link Collective#SINGLE}; a worker of a
 * data-parallel job (launcher variables set, see {@link WorkerEnvironment}) joins the others through TensorFlow's
 * distributed runtime, whichever engine trains (DJL reaches it through host buffers).
 */
public final class Collectives {

    /** How long a worker waits for the others in one collective call before calling the job failed. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);

    private Collectives() {
    }

    public static Collective fromEnvironment(Map<String, String> env, Duration timeout) {
        WorkerEnvironment worker = WorkerEnvironment.from(env);
        return worker.distributed() ? TfCollective.start(worker, timeout) : Collective.SINGLE;
    }

    /** {@code SEER4J_COLLECTIVE_TIMEOUT_S} or {@link #DEFAULT_TIMEOUT}. */
    public static Duration timeout(Map<String, String> env) {
        String v = env.get("SEER4J_COLLECTIVE_TIMEOUT_S");
        if (v == null || v.isBlank()) {
            return DEFAULT_TIMEOUT;
        }
        try {
            long seconds = Long.parseLong(v.trim());
            if (seconds < 1) {
                throw new NumberFormatException();
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SEER4J_COLLECTIVE_TIMEOUT_S must be a whole number of seconds >= 1,"
                    + " got '" + v + "'");
        }
    }
}
