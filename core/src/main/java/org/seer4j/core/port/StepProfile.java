package org.seer4j.core.port;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where one training step's time went, by {@link OpKind}: forward and backward milliseconds and call counts. Every
 * kind appears once, in {@link OpKind} order (zero where nothing ran), and the kinds add up to the step's wall time
 * ({@link OpKind#UNATTRIBUTED} takes the rest).
 *
 * @param method how the engine measured it, in a few words (e.g. "libtorch profiler, ops classified by shape")
 * @param stepMs the profiled step's wall time
 */
public record StepProfile(String method, double stepMs, List<OpTime> ops) {
    public StepProfile {
        if (method == null || method.isBlank()) throw new IllegalArgumentException("a profile names its method");
        ops = List.copyOf(ops);
        if (ops.size() != OpKind.values().length) {
            throw new IllegalArgumentException("a profile has one entry per op kind, got " + ops.size());
        }
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).kind() != OpKind.values()[i]) {
                throw new IllegalArgumentException("profile entries go in OpKind order; entry " + i + " is "
                        + ops.get(i).kind());
            }
        }
    }

    /** Builds a profile from per-kind sums; kinds not in {@code times} are zero. */
    public static StepProfile of(String method, double stepMs, Map<OpKind, OpTime> times) {
        List<OpTime> ops = new ArrayList<>();
        for (OpKind k : OpKind.values()) ops.add(times.getOrDefault(k, new OpTime(k, 0, 0, 0)));
        return new StepProfile(method, stepMs, ops);
    }

    /**
     * The coarse profile of an engine that cannot attribute time to operations: the step's own phases, forward and
     * backward unattributed.
     */
    public static StepProfile ofPhases(StepResult r) {
        Map<OpKind, OpTime> m = new EnumMap<>(OpKind.class);
        m.put(OpKind.UNATTRIBUTED, new OpTime(OpKind.UNATTRIBUTED, r.forwardNanos() / 1e6, r.backwardNanos() / 1e6,
                0));
        m.put(OpKind.SINKHORN, new OpTime(OpKind.SINKHORN, r.sinkhornNanos() / 1e6, 0, 0));
        m.put(OpKind.OPTIMIZER, new OpTime(OpKind.OPTIMIZER, r.updateNanos() / 1e6, 0, 0));
        return of("step phases only (the engine has no per-op profile)", r.totalNanos() / 1e6, m);
    }

    /** The entry of one kind. */
    public OpTime get(OpKind kind) {
        return ops.get(kind.ordinal());
    }

    /** The per-kind mean of several profiles of the same method (e.g. several profiled steps). */
    public static StepProfile mean(List<StepProfile> profiles) {
        if (profiles.isEmpty()) throw new IllegalArgumentException("no profiles to average");
        int n = profiles.size();
        Map<OpKind, OpTime> m = new EnumMap<>(OpKind.class);
        double step = 0;
        for (StepProfile p : profiles) step += p.stepMs() / n;
        for (OpKind k : OpKind.values()) {
            double f = 0;
            double b = 0;
            long calls = 0;
            for (StepProfile p : profiles) {
                f += p.get(k).forwardMs() / n;
                b += p.get(k).backwardMs() / n;
                calls += p.get(k).calls();
            }
            m.put(k, new OpTime(k, f, b, Math.round((double) calls / n)));
        }
        return of(profiles.get(0).method(), step, m);
    }
}
