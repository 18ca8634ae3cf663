package org.seer4j.app.engine;

import java.time.Duration;
import java.util.Map;
import org.seer4j.core.distributed.WorkerEnvironment;
import java.util.Locale;
import org.seer4j.app.UserException;
import org.seer4j.core.port.Collective;
import org.seer4j.djl.gloo.GlooCollective;
import org.seer4j.tensorflow.TfCollective;

/**
 * The composition root's choice of collective: one process gets {@link Collective#SINGLE}; a worker of a
 * data-parallel job (launcher variables set, see {@link WorkerEnvironment}) joins the others through an existing
 * collective engine:
 * <ul>
 *   <li>the TensorFlow engine: TensorFlow's own distributed runtime ({@link TfCollective}), whose collective ops
 *       its training graph holds;</li>
 *   <li>otherwise (the DJL engine, {@code bench-allreduce}): Gloo, PyTorch's CPU collective engine
 *       ({@link GlooCollective}), 4-6x faster than TensorFlow's gRPC runtime on large buffers; or TensorFlow's
 *       runtime with {@code SEER4J_COLLECTIVE=tensorflow}.</li>
 * </ul>
 */
public final class Collectives {

    /** The environment variable that picks the runtime: {@code gloo} or {@code tensorflow}. */
    public static final String RUNTIME_VARIABLE = "SEER4J_COLLECTIVE";

    /** How long a worker waits for the others in one collective call before calling the job failed. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);

    private Collectives() {
    }

    /**
     * The collective of this process for the engine named {@code backend} ({@code backend.name}; null where no
     * engine trains, as in {@code bench-allreduce}).
     */
    public static Collective fromEnvironment(Map<String, String> env, Duration timeout, String backend) {
        WorkerEnvironment worker = WorkerEnvironment.from(env);
        if (!worker.distributed()) return Collective.SINGLE;
        return runtime(env, backend).equals("gloo") ? GlooCollective.start(worker, timeout)
                : TfCollective.start(worker, timeout);
    }

    /** {@code gloo} or {@code tensorflow}: what {@link #fromEnvironment} starts for the engine {@code backend}. */
    public static String runtime(Map<String, String> env, String backend) {
        boolean tensorflow = backend != null && backend.trim().toLowerCase(Locale.ROOT).equals("tensorflow");
        String v = env.get(RUNTIME_VARIABLE);
        String asked = v == null || v.isBlank() ? null : v.trim().toLowerCase(Locale.ROOT);
        if (asked != null && !asked.equals("gloo") && !asked.equals("tensorflow")) {
            throw new UserException(RUNTIME_VARIABLE + " must be gloo or tensorflow, got '" + v + "'");
        }
        if (tensorflow) {
            if ("gloo".equals(asked)) {
                throw new UserException(RUNTIME_VARIABLE + "=gloo: the TensorFlow engine runs its collectives inside"
                        + " its training graph on TensorFlow's runtime; unset it or use backend.name: djl");
            }
            return "tensorflow";
        }
        return asked == null ? "gloo" : asked;
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
