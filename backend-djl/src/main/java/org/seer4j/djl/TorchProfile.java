package org.seer4j.djl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.port.OpKind;
import org.seer4j.core.port.OpTime;
import org.seer4j.core.port.StepProfile;

/**
 * Turns the trace of libtorch's profiler (as DJL writes it: Chrome trace events with name, start, duration and the
 * inputs' shapes; one per operator or autograd node, nested) into a {@link StepProfile}.
 *
 * <p>Only outermost events count (nested ones are part of their caller's time). An event inside one of the step's
 * {@link StepTimeline} regions belongs to that region, whose wall time counts instead (it includes the Java work
 * between the ops, e.g. laying out the batch). Other events are classified by name: forward operators directly,
 * backward work by its autograd node ({@code autograd::engine::evaluate_function: XBackward0}). Convolutions and
 * matrix products are told apart by their weight's shape, which the model maps to a kind (stem, 1x1, grouped 3x3,
 * squeeze-excitation, head). The step's wall time not covered by any event or region is {@link
 * OpKind#UNATTRIBUTED}: the JVM, JNI and DJL's bookkeeping.
 */
final class TorchProfile {
    static final String METHOD = "libtorch profiler (legacy, via DJL), outermost ops classified by name and weight "
            + "shape; data, head, Sinkhorn and update as timed regions";
    private static final String NODE = "autograd::engine::evaluate_function: ";
    /** Slack for aligning the trace's clock (microseconds from the profiler's start) with the JVM's, in us. */
    private static final double ALIGN_US = 20;

    private final Map<List<Long>, OpKind> weightKinds;

    /** @param weightKinds the kind of every weight shape ([O, I, kh, kw] of convolutions, [out, in] of matrices) */
    TorchProfile(Map<List<Long>, OpKind> weightKinds) {
        this.weightKinds = Map.copyOf(weightKinds);
    }

    /** One trace event and the events nested in it. */
    private record Event(String name, double ts, double dur, List<List<Long>> shapes, List<Event> children) {
        double end() {
            return ts + dur;
        }
    }

    /**
     * @param startNanos {@link System#nanoTime()} right after the profiler started (the trace's time zero)
     * @param wallNanos the step's wall time
     */
    StepProfile read(Path trace, long startNanos, long wallNanos, List<StepTimeline.Region> regions)
            throws IOException {
        List<Event> top = outermost(parse(trace));
        Map<OpKind, double[]> sums = new EnumMap<>(OpKind.class); // forward ms, backward ms, calls
        for (OpKind k : OpKind.values()) sums.put(k, new double[3]);
        double covered = 0;
        for (StepTimeline.Region r : regions) {
            double ms = (r.endNanos() - r.startNanos()) / 1e6;
            sums.get(r.kind())[r.backward() ? 1 : 0] += ms;
            covered += ms;
        }
        for (Event e : top) {
            StepTimeline.Region in = regionOf(e, startNanos, regions);
            if (in != null) {
                sums.get(in.kind())[2]++;
                continue;
            }
            boolean backward = e.name().startsWith(NODE);
            OpKind kind = backward ? backwardKind(e) : forwardKind(e);
            double[] s = sums.get(kind);
            s[backward ? 1 : 0] += e.dur() / 1e3;
            s[2]++;
            covered += e.dur() / 1e3;
        }
        double wallMs = wallNanos / 1e6;
        sums.get(OpKind.UNATTRIBUTED)[0] += Math.max(0, wallMs - covered);
        Map<OpKind, OpTime> times = new EnumMap<>(OpKind.class);
        sums.forEach((k, s) -> times.put(k, new OpTime(k, s[0], s[1], (long) s[2])));
        return StepProfile.of(METHOD, wallMs, times);
    }

    private static StepTimeline.Region regionOf(Event e, long startNanos, List<StepTimeline.Region> regions) {
        for (StepTimeline.Region r : regions) {
            double from = (r.startNanos() - startNanos) / 1e3 - ALIGN_US;
            double to = (r.endNanos() - startNanos) / 1e3 + ALIGN_US;
            if (e.ts() >= from && e.ts() < to) return r;
        }
        return null;
    }

    private OpKind forwardKind(Event e) {
        List<List<Long>> s = e.shapes();
        switch (e.name()) {
            case "aten::conv2d", "aten::convolution", "aten::_convolution":
                return s.size() > 1 ? weightKinds.getOrDefault(s.get(1), OpKind.OTHER) : OpKind.OTHER;
            case "aten::matmul", "aten::linear", "aten::mm", "aten::addmm":
                return matrixKind(List.of(e));
            case "aten::batch_norm", "aten::native_batch_norm", "aten::_batch_norm_impl_index":
                return OpKind.BATCH_NORM;
            case "aten::relu", "aten::relu_", "aten::clamp_min", "aten::add", "aten::add_":
                return OpKind.ACTIVATION;
            // SE's pool is a sum over the pixels and a division (Ops.squeezePool); outside the regions of head,
            // Sinkhorn and update no other sum or division runs
            case "aten::sigmoid", "aten::mul", "aten::adaptive_avg_pool2d", "aten::mean", "aten::sum", "aten::div":
                return OpKind.SQUEEZE_EXCITATION;
            default:
                return OpKind.OTHER;
        }
    }

    private OpKind backwardKind(Event e) {
        String node = e.name().substring(NODE.length());
        switch (node) {
            case "ConvolutionBackward0": {
                for (Event d : descendants(e)) {
                    if (d.name().equals("aten::convolution_backward") && d.shapes().size() > 2) {
                        return weightKinds.getOrDefault(d.shapes().get(2), OpKind.OTHER);
                    }
                }
                return OpKind.OTHER;
            }
            case "MmBackward0", "AddmmBackward0":
                return matrixKind(descendants(e));
            case "NativeBatchNormBackward0":
                return OpKind.BATCH_NORM;
            case "ReluBackward0", "ThresholdBackward0", "AddBackward0", "ClampMinBackward0":
                return OpKind.ACTIVATION;
            case "SigmoidBackward0", "MulBackward0", "MeanBackward1", "MeanBackward0", "AdaptiveAvgPool2DBackward0",
                 "SumBackward1", "DivBackward0":
                return OpKind.SQUEEZE_EXCITATION;
            case "SliceBackward0":
                return OpKind.CONV_1X1; // the strided pixels a projection shortcut reads
            default:
                return OpKind.OTHER;
        }
    }

    /**
     * The kind of matrix products by the weight among their operands. A product [r, a] x [a, b] has the weight
     * as its second operand (forward, or the input's gradient) or as [a, b] = [r0, c1] of a weight gradient; the
     * kind most of these candidates name wins, which outvotes an accidental match of a batch or pixel count.
     */
    private OpKind matrixKind(List<Event> products) {
        Map<OpKind, Integer> votes = new HashMap<>();
        for (Event p : products) {
            if (!p.name().equals("aten::mm") && !p.name().equals("aten::matmul") && !p.name().equals("aten::addmm")
                    && !p.name().equals("aten::linear")) {
                continue;
            }
            List<List<Long>> s = p.shapes();
            int first = p.name().equals("aten::addmm") ? 1 : 0; // addmm's bias comes first
            if (s.size() < first + 2 || s.get(first).size() != 2 || s.get(first + 1).size() != 2) continue;
            List<Long> a = s.get(first);
            List<Long> b = s.get(first + 1);
            vote(votes, b);
            vote(votes, List.of(a.get(0), b.get(1)));
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(OpKind.OTHER);
    }

    private void vote(Map<OpKind, Integer> votes, List<Long> pair) {
        OpKind k = weightKinds.get(pair);
        if (k == null) k = weightKinds.get(List.of(pair.get(1), pair.get(0)));
        if (k != null) votes.merge(k, 1, Integer::sum);
    }

    private static List<Event> descendants(Event e) {
        List<Event> out = new ArrayList<>();
        Deque<Event> todo = new ArrayDeque<>(e.children());
        while (!todo.isEmpty()) {
            Event d = todo.pop();
            out.add(d);
            todo.addAll(d.children());
        }
        return out;
    }

    /** The events not nested in any other, each with its nested events (all on one thread, as on CPU). */
    private static List<Event> outermost(List<Event> events) {
        events.sort(Comparator.comparingDouble(Event::ts).thenComparing(Comparator.comparingDouble(Event::dur)
                .reversed()));
        List<Event> top = new ArrayList<>();
        Deque<Event> open = new ArrayDeque<>();
        for (Event e : events) {
            while (!open.isEmpty() && open.peek().end() <= e.ts() + 1e-6) open.pop();
            if (open.isEmpty()) {
                top.add(e);
            } else {
                open.peek().children().add(e);
            }
            open.push(e);
        }
        return top;
    }

    private static List<Event> parse(Path trace) throws IOException {
        List<Event> events = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
            for (JsonElement el : JsonParser.parseReader(r).getAsJsonArray()) {
                JsonObject o = el.getAsJsonObject();
                List<List<Long>> shapes = new ArrayList<>();
                JsonElement sh = o.get("shape");
                if (sh != null && sh.isJsonArray()) {
                    for (JsonElement dims : sh.getAsJsonArray()) {
                        List<Long> d = new ArrayList<>();
                        if (dims.isJsonArray()) for (JsonElement x : (JsonArray) dims) d.add(x.getAsLong());
                        shapes.add(d);
                    }
                }
                events.add(new Event(o.get("name").getAsString(), o.get("ts").getAsDouble(),
                        o.get("dur").getAsDouble(), shapes, new ArrayList<>()));
            }
        }
        return events;
    }
}
