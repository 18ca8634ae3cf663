package org.seer4j.tensorflow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.seer4j.core.port.OpKind;
import org.seer4j.core.port.OpTime;
import org.seer4j.core.port.StepProfile;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;

/**
 * Where one traced session run's time went, by kind of operation, from TensorFlow's step statistics
 * ({@code RunOptions.trace_level FULL_TRACE}). Ops that ran at the same time share that time equally, so the
 * kinds add up to the time at least one op was running (never more than the run's wall time).
 *
 * <p>An op's kind comes from the scope the graph builders put it in ({@code stem}, {@code s<stage>b<block>/a|b|c|
 * proj|se}, {@code head}, {@code sinkhorn}, {@code update}) and from its TensorFlow op type; gradient ops carry
 * their forward op's scope under a {@code _gradients} prefix and count as backward. The names survive Grappler's
 * fusions (a fused node keeps the name of one of the nodes it replaces) and oneDNN's op rewrites.
 */
final class TfOpProfile {
    /** Milliseconds of forward and backward time and the number of ops of one kind. */
    record Entry(double forwardMs, double backwardMs, long calls) {
        double totalMs() {
            return forwardMs + backwardMs;
        }
    }

    private final Map<OpKind, Entry> byKind;
    private final Map<String, Entry> byOpType;
    private final double busyMs;
    private final List<String> nodes;

    private TfOpProfile(Map<OpKind, Entry> byKind, Map<String, Entry> byOpType, double busyMs, List<String> nodes) {
        this.nodes = nodes;
        this.byKind = byKind;
        this.byOpType = byOpType;
        this.busyMs = busyMs;
    }

    Map<OpKind, Entry> byKind() {
        return byKind;
    }

    /** The same times by TensorFlow op type (after Grappler's and oneDNN's rewrites), most expensive first. */
    Map<String, Entry> byOpType() {
        return byOpType;
    }

    /** Every op with its share, kind, type and node name, most expensive first (for reading by eye). */
    List<String> nodes() {
        return nodes;
    }

    /** Time at least one op was running. */
    double busyMs() {
        return busyMs;
    }

    /**
     * For every gradient op of the graph, a name that places it in the scope of the forward layer it belongs to:
     * TensorFlow names gradient ops flatly ({@code train0_gradients/Conv2DBackpropInput_28}), so the layer is found
     * from the op's inputs: a variable it reads (directly or through a Shape op: the filter of a convolution's
     * gradients, the scale of a batch norm's), else a forward op it reads (a ReLU's output for its gradient), else
     * the layer of the gradient it reads (sums, reshapes of gradients).
     */
    static Map<String, String> gradientScopes(Graph graph) {
        Map<String, String> origin = new HashMap<>();
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if (!isGradient(op.name())) continue;
            String prefix = op.name().substring(0, op.name().indexOf('/') + 1);
            String fromVariable = null;
            String fromForward = null;
            String fromGradient = null;
            for (int i = 0; i < op.numInputs(); i++) {
                GraphOperation in = (GraphOperation) op.input(i).op();
                List<GraphOperation> candidates = new ArrayList<>(List.of(in));
                if (in.type().startsWith("Shape") && in.numInputs() > 0) candidates.add((GraphOperation) in.input(0).op());
                for (GraphOperation c : candidates) {
                    String n = c.name();
                    if (fromVariable == null && n.startsWith("variables/")) fromVariable = layerOfVariable(n);
                    else if (fromForward == null && !isGradient(n) && !n.startsWith("variables/")) fromForward = n;
                    else if (fromGradient == null && origin.containsKey(n)) fromGradient = origin.get(n);
                }
            }
            String layer = fromVariable != null ? fromVariable : fromForward != null ? fromForward : fromGradient;
            if (layer != null) origin.put(op.name(), isGradient(layer) ? layer : prefix + layer);
        }
        return origin;
    }

    /** Gradient ops live under the prefix of their addGradients call: {@code train0_gradients}, or, backward built
     * piece by piece (BackwardGraph), {@code train0_head} and {@code train0_piece<N>}. */
    private static final java.util.regex.Pattern GRADIENT =
            java.util.regex.Pattern.compile("^[^/]*_(gradients|head|piece\\d+)[^/]*/");

    static boolean isGradient(String node) {
        return GRADIENT.matcher(node).find();
    }

    /** "variables/s2b1.f.b.0.weight/read" -> "group/s2b1/b/" (the scope its forward ops live in). */
    static String layerOfVariable(String readOp) {
        String v = readOp.substring("variables/".length());
        int slash = v.indexOf('/');
        if (slash >= 0) v = v.substring(0, slash);
        if (v.startsWith("head.") || v.startsWith("prototypes.")) return "head/";
        if (v.startsWith("stem.")) return "group/stem/";
        String block = v.substring(0, Math.max(0, v.indexOf('.')));
        String layer = v.contains(".f.se.") ? "se" : v.contains(".f.a.") ? "a" : v.contains(".f.b.") ? "b"
                : v.contains(".f.c.") ? "c" : v.contains(".proj.") ? "proj" : "other";
        return "group/" + block + "/" + layer + "/";
    }

    /** The time of every op in the run's step statistics, apportioned between ops running at once. */
    static TfOpProfile of(RunMetadata metadata) {
        return of(metadata, Map.of());
    }

    /** As {@link #of(RunMetadata)}, gradient ops placed by {@link #gradientScopes(Graph)}. */
    static TfOpProfile of(RunMetadata metadata, Map<String, String> scopes) {
        List<Span> spans = new ArrayList<>();
        for (DeviceStepStats d : metadata.getStepStats().getDevStatsList()) {
            for (NodeExecStats n : d.getNodeStatsList()) {
                long start = n.getAllStartNanos() != 0 ? n.getAllStartNanos() : n.getAllStartMicros() * 1000;
                long end = start + (n.getAllEndRelNanos() != 0 ? n.getAllEndRelNanos() : n.getAllEndRelMicros() * 1000);
                String type = opType(n.getTimelineLabel());
                if (type.isEmpty() || type.equals("_SOURCE") || type.equals("_Recv") || type.equals("_Send")) continue;
                spans.add(new Span(scopes.getOrDefault(n.getNodeName(), n.getNodeName()), type, start,
                        Math.max(start, end)));
            }
        }
        double[] shareNanos = apportion(spans);
        Map<OpKind, double[]> kinds = new EnumMap<>(OpKind.class);
        Map<String, double[]> types = new LinkedHashMap<>();
        double busy = 0;
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            boolean backward = isGradient(s.name);
            double ms = shareNanos[i] / 1e6;
            busy += ms;
            add(kinds.computeIfAbsent(kind(s.name, s.type), k -> new double[3]), backward, ms);
            add(types.computeIfAbsent(s.type, k -> new double[3]), backward, ms);
        }
        Map<OpKind, Entry> byKind = new EnumMap<>(OpKind.class);
        for (OpKind k : OpKind.values()) {
            double[] v = kinds.getOrDefault(k, new double[3]);
            byKind.put(k, new Entry(v[0], v[1], (long) v[2]));
        }
        Map<String, Entry> byType = new LinkedHashMap<>();
        types.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -(e.getValue()[0] + e.getValue()[1])))
                .forEach(e -> byType.put(e.getKey(), new Entry(e.getValue()[0], e.getValue()[1], (long) e.getValue()[2])));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) order.add(i);
        order.sort(Comparator.comparingDouble(i -> -shareNanos[i]));
        List<String> nodes = new ArrayList<>();
        for (int i : order) {
            Span s = spans.get(i);
            nodes.add(String.format(Locale.ROOT, "%8.2f ms %-14s %-30s %s", shareNanos[i] / 1e6,
                    kind(s.name, s.type), s.type, s.name));
        }
        return new TfOpProfile(byKind, byType, busy, nodes);
    }

    private static void add(double[] acc, boolean backward, double ms) {
        acc[backward ? 1 : 0] += ms;
        acc[2] += 1;
    }

    private record Span(String name, String type, long start, long end) {
    }

    /**
     * Each op's share of the busy time: over every interval between consecutive op starts and ends, the ops
     * running then split it equally (so two ops on two threads for 1 ms get 0.5 ms each).
     */
    static double[] apportion(List<Span> spans) {
        int n = spans.size();
        long[][] events = new long[2 * n][];
        for (int i = 0; i < n; i++) {
            events[2 * i] = new long[] {spans.get(i).start, 1, i};
            events[2 * i + 1] = new long[] {spans.get(i).end, -1, i};
        }
        // ends before starts at the same instant, so touching ops do not overlap
        java.util.Arrays.sort(events, Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        double[] share = new double[n];
        java.util.Set<Integer> running = new java.util.LinkedHashSet<>();
        long last = events.length == 0 ? 0 : events[0][0];
        for (long[] e : events) {
            long dt = e[0] - last;
            if (dt > 0 && !running.isEmpty()) {
                double each = (double) dt / running.size();
                for (int r : running) share[r] += each;
            }
            last = e[0];
            if (e[1] > 0) running.add((int) e[2]);
            else running.remove((int) e[2]);
        }
        return share;
    }

    /** "name = OpType(inputs)" -> OpType. */
    static String opType(String timelineLabel) {
        int eq = timelineLabel.indexOf(" = ");
        if (eq < 0) return "";
        String rest = timelineLabel.substring(eq + 3);
        int paren = rest.indexOf('(');
        return paren < 0 ? rest.trim() : rest.substring(0, paren).trim();
    }

    /** The kind of an op from its node name's scopes and its (possibly rewritten) TensorFlow type. */
    static OpKind kind(String node, String type) {
        String t = type.toLowerCase(Locale.ROOT);
        if (node.contains("/update/") || node.startsWith("update/") || t.startsWith("resourceapply")
                || t.contains("applymomentum") || t.contains("applygradientdescent")) {
            return OpKind.OPTIMIZER;
        }
        // Sinkhorn has no gradient: a gradient op that reads its codes is the loss's
        if (node.contains("/sinkhorn/")) return isGradient(node) ? OpKind.HEAD : OpKind.SINKHORN;
        if (node.contains("/head/") || node.contains("_gradients/head/")) return t.contains("batchnorm") ? OpKind.BATCH_NORM : OpKind.HEAD;
        if (node.contains("/se/")) return OpKind.SQUEEZE_EXCITATION;
        // the trunk's 1x1 convolutions are matrix products (RegNetGraph.conv)
        boolean conv = t.contains("conv2d") || t.contains("matmul") && node.contains("/group");
        if (conv) {
            if (node.contains("/stem/")) return OpKind.STEM_CONV;
            if (node.contains("/b/")) return OpKind.GROUPED_CONV_3X3;
            return OpKind.CONV_1X1;
        }
        if (t.contains("batchnorm")) return OpKind.BATCH_NORM;
        if (t.startsWith("relu") || t.contains("relugrad") || t.equals("addv2") || t.equals("add")
                || t.endsWith("relu") || t.equals("_mkladd") || t.equals("_mkladdv2")) {
            return node.contains("/group") ? OpKind.ACTIVATION : OpKind.HEAD;
        }
        if (node.contains("/images") || t.equals("_arg") || t.equals("placeholder")) return OpKind.DATA;
        if (!node.contains("/group")) return OpKind.HEAD; // pooled features onwards: normalisation, scores, loss
        return OpKind.OTHER;
    }

    /**
     * The engine-neutral profile of a step whose wall time was {@code wallMs}, {@code copyInMs} of it spent
     * bringing the batch into TensorFlow; what no op covered and was not copying is {@link OpKind#UNATTRIBUTED}.
     */
    StepProfile toStepProfile(double wallMs, double copyInMs) {
        Map<OpKind, OpTime> m = new EnumMap<>(OpKind.class);
        byKind.forEach((k, e) -> m.put(k, new OpTime(k, e.forwardMs(), e.backwardMs(), e.calls())));
        OpTime data = m.get(OpKind.DATA);
        m.put(OpKind.DATA, new OpTime(OpKind.DATA, data.forwardMs() + copyInMs, data.backwardMs(), data.calls()));
        m.put(OpKind.UNATTRIBUTED, new OpTime(OpKind.UNATTRIBUTED, Math.max(0, wallMs - busyMs - copyInMs), 0, 0));
        return StepProfile.of("TensorFlow step stats (FULL_TRACE); ops by scope and type, time of ops running at"
                + " once shared between them", wallMs, m);
    }

    /** A table of the kinds, then of the op types, for reading a profile by eye. */
    String table(double wallMs) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-22s %9s %9s %9s %6s %6s%n", "kind", "fwd ms", "bwd ms", "total",
                "share", "ops"));
        for (Map.Entry<OpKind, Entry> e : byKind.entrySet()) {
            Entry v = e.getValue();
            b.append(String.format(Locale.ROOT, "%-22s %9.1f %9.1f %9.1f %5.1f%% %6d%n", e.getKey(), v.forwardMs,
                    v.backwardMs, v.totalMs(), 100 * v.totalMs() / wallMs, v.calls));
        }
        b.append(String.format(Locale.ROOT, "%-22s %9s %9s %9.1f %5.1f%%%n", "(idle)", "", "",
                wallMs - busyMs, 100 * (wallMs - busyMs) / wallMs));
        b.append(String.format(Locale.ROOT, "%-22s %9s %9s %9.1f%n", "wall", "", "", wallMs));
        b.append(String.format(Locale.ROOT, "%n%-40s %9s %9s %9s %6s%n", "op type", "fwd ms", "bwd ms", "total", "ops"));
        byOpType.entrySet().stream().limit(40).forEach(e -> b.append(String.format(Locale.ROOT,
                "%-40s %9.1f %9.1f %9.1f %6d%n", e.getKey(), e.getValue().forwardMs, e.getValue().backwardMs,
                e.getValue().totalMs(), e.getValue().calls)));
        return b.toString();
    }
}
