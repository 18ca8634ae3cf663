package org.seer4j.app.memory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.seer4j.app.run.JsonFiles;
import org.seer4j.core.memory.MemoryPlan;

/** A {@link MemoryPlan} as the small table {@code plan} and {@code pretrain} print, or as JSON. */
public final class PlanReport {
    private PlanReport() {
    }

    public static String table(MemoryPlan p, String what, AvailableMemory available) {
        StringBuilder b = new StringBuilder();
        b.append("memory plan per worker (").append(p.engine()).append("): ").append(what).append('\n');
        b.append(String.format(Locale.ROOT, "  %-18s %,d%n", "parameters", p.params()));
        for (Object[] t : p.terms()) {
            b.append(String.format(Locale.ROOT, "  %-18s %10s", t[0], MemoryPlan.gib((long) t[1])));
            if ("activations".equals(t[0])) {
                List<String> parts = new ArrayList<>();
                for (MemoryPlan.GroupActivations g : p.groups()) {
                    parts.add(g.count() + "x" + g.size() + ": " + MemoryPlan.gib(g.bytes()));
                }
                if (p.recomputeBytes() > 0) parts.add("recomputed stage: " + MemoryPlan.gib(p.recomputeBytes()));
                b.append("  (").append(String.join(", ", parts)).append(')');
            } else if ("engine workspace".equals(t[0])) {
                b.append("  (runtime ").append(MemoryPlan.gib(p.runtimeBytes())).append(", backward buffers ")
                        .append(MemoryPlan.gib(p.workspaceBytes())).append(')');
            }
            b.append('\n');
        }
        b.append(String.format(Locale.ROOT, "  %-18s %10s", "peak", MemoryPlan.gib(p.peakBytes())));
        if (available != null && available.bytes() != Long.MAX_VALUE) {
            b.append("  (available: ").append(MemoryPlan.gib(available.bytes())).append(", ")
                    .append(available.source()).append(')');
        }
        b.append('\n');
        if (!p.advice().isEmpty()) {
            b.append("switches that would help:\n");
            for (String a : p.advice()) b.append("  - ").append(a).append('\n');
        }
        return b.toString();
    }

    public static String json(MemoryPlan p, AvailableMemory available, int batchPerWorker) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", p.engine());
        m.put("batch_per_worker", batchPerWorker);
        m.put("params", p.params());
        m.put("weights_bytes", p.weightsBytes());
        m.put("gradients_bytes", p.gradientsBytes());
        m.put("optimizer_bytes", p.optimizerBytes());
        m.put("activations_bytes", p.activationsBytes());
        m.put("peak_bytes", p.peakBytes());
        m.put("queue_bytes", p.queueBytes());
        List<Object> groups = new ArrayList<>();
        for (MemoryPlan.GroupActivations g : p.groups()) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("count", g.count());
            gm.put("size", g.size());
            gm.put("bytes", g.bytes());
            groups.add(gm);
        }
        m.put("activations_per_crop_group", groups);
        m.put("recompute_bytes", p.recomputeBytes());
        m.put("workspace_bytes", p.engineBytes());
        m.put("runtime_bytes", p.runtimeBytes());
        m.put("backward_buffers_bytes", p.workspaceBytes());
        if (available != null && available.bytes() != Long.MAX_VALUE) m.put("available_bytes", available.bytes());
        m.put("advice", p.advice());
        return JsonFiles.toJson(m);
    }

    /** The one line {@code pretrain} refuses with, or ends with when memory runs out. */
    public static String refusal(MemoryPlan p, String what) {
        String term = p.biggestTerm();
        long termBytes = 0;
        for (Object[] t : p.terms()) if (t[0].equals(term)) termBytes = (long) t[1];
        return what + "; the plan's peak is " + MemoryPlan.gib(p.peakBytes()) + " per worker, the biggest term "
                + term + " (" + MemoryPlan.gib(termBytes) + ")"
                + (p.advice().isEmpty() ? "" : "; switches that would help: " + String.join("; ", p.advice()))
                + " (seer4j plan shows the whole estimate)";
    }
}
