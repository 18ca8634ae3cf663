package org.seer4j.tensorflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.nio.FloatBuffer;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * The model's variables by interchange name, created on first request while the graph is built, plus the
 * momentum buffers of the trainable ones. Loading and reading go through ops built once, so neither grows the
 * graph.
 */
final class VariableStore implements WeightSource {
    private final Ops tf;
    private final Map<String, TfVariable> variables = new LinkedHashMap<>();
    private final Map<String, TfVariable> momentum = new LinkedHashMap<>();
    private Set<TfVariable> recorded;

    VariableStore(Ops tf) {
        this.tf = tf.withSubScope("variables");
    }

    /** Starts noting every variable the graph under construction asks for (see {@link #stopRecording()}). */
    void startRecording() {
        recorded = new LinkedHashSet<>();
    }

    /** The variables asked for since {@link #startRecording()}, in first-use order. */
    List<TfVariable> stopRecording() {
        List<TfVariable> out = List.copyOf(recorded);
        recorded = null;
        return out;
    }

    TfVariable get(String name, TfVariable.Kind kind, int... interchangeShape) {
        TfVariable v = get0(name, kind, interchangeShape);
        if (recorded != null) recorded.add(v);
        return v;
    }

    private TfVariable get0(String name, TfVariable.Kind kind, int... interchangeShape) {
        TfVariable v = variables.get(name);
        if (v == null) {
            v = TfVariable.create(tf, "variables", name, kind, interchangeShape);
            variables.put(name, v);
        } else if (v.kind() != kind || !Arrays.equals(v.interchangeShape(), interchangeShape)) {
            throw new IllegalStateException(name + " requested as " + kind + " " + Arrays.toString(interchangeShape)
                    + " but exists as " + v.kind() + " " + Arrays.toString(v.interchangeShape()));
        }
        return v;
    }

    @Override
    public Operand<TFloat32> value(String name, TfVariable.Kind kind, int... interchangeShape) {
        return get(name, kind, interchangeShape).read();
    }

    TfVariable variable(String name) {
        TfVariable v = variables.get(name);
        if (v == null) {
            throw new IllegalArgumentException("the model has no tensor named '" + name + "'");
        }
        return v;
    }

    Collection<TfVariable> variables() {
        return Collections.unmodifiableCollection(variables.values());
    }

    /**
     * Creates one zero-initialised momentum buffer per variable SwAV trains (not the classifier, which only
     * evaluation trains), stored as {@code storage} (float32, or bfloat16 for half the memory); call once the
     * model is declared. {@code kept} selects the variables whose buffer this worker holds (sharded optimiser
     * state: the ones it owns); the others get none, so their memory is not reserved.
     */
    void declareMomentum(Class<? extends TType> storage, Predicate<String> kept) {
        Ops m = tf.withSubScope("momentum");
        for (TfVariable v : trainedVariables()) {
            if (kept.test(v.name())) {
                momentum.put(v.name(), TfVariable.create(m, "momentum", v.name(), v.kind(), storage,
                        v.interchangeShape()));
            }
        }
    }

    /** The variables SwAV's step trains (and that have optimiser state), in declaration order. */
    List<TfVariable> trainedVariables() {
        return variables.values().stream().filter(v -> v.kind().trainable() && !v.name().startsWith("fc.")).toList();
    }

    /** The momentum buffer of {@code v}; null when another worker keeps it (or {@code v} is not trained). */
    TfVariable momentumOf(TfVariable v) {
        return momentum.get(v.name());
    }

    Collection<TfVariable> momentumBuffers() {
        return Collections.unmodifiableCollection(momentum.values());
    }

    /** Receives values {@code [offset, offset + values.remaining())} of a named interchange tensor. */
    @FunctionalInterface
    interface ChunkSink {
        void accept(String name, long offset, FloatBuffer values);
    }

    /** Values copied between Java and TensorFlow per chunk: the Java heap never holds more of a tensor. */
    static final int CHUNK_VALUES = 1 << 22;
    /**
     * Values moved per session run: several small tensors share a run, a big one has a run of its own. TensorFlow
     * holds the run's tensors natively (plus their transposed or cast copies), never the whole model.
     */
    static final long RUN_VALUES = 1L << 26;

    /** Loads the given interchange-named tensors from the heap; every name and shape is checked first. */
    static void load(Session session, Map<String, TfVariable> targets, Map<String, Tensor> tensors) {
        load(session, targets, TensorReader.of(tensors));
    }

    /**
     * Loads the reader's tensors chunk by chunk, every name and shape checked first: each is written through one
     * bounded Java buffer into a native TensorFlow tensor, then assigned (transposed and cast inside TensorFlow).
     */
    static void load(Session session, Map<String, TfVariable> targets, TensorReader source) {
        List<String> unknown = new ArrayList<>();
        List<TfVariable> vars = new ArrayList<>();
        Map<TfVariable, String> names = new HashMap<>();
        for (TensorInfo t : source.tensors()) {
            TfVariable v = targets.get(t.name());
            if (v == null) {
                unknown.add(t.name());
            } else if (!t.hasShape(TfTensors.longs(v.interchangeShape()))) {
                throw new IllegalArgumentException(t.name() + " has shape " + Arrays.toString(v.interchangeShape())
                        + " but the given tensor has " + Arrays.toString(t.shape()));
            } else {
                vars.add(v);
                names.put(v, t.name());
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown tensor names: " + new TreeSet<>(unknown));
        }
        float[] chunk = new float[(int) Math.min(CHUNK_VALUES, vars.stream().mapToLong(TfVariable::size).max()
                .orElse(0))];
        for (List<TfVariable> run : runs(vars)) {
            List<TFloat32> fed = new ArrayList<>();
            try {
                Session.Runner runner = session.runner();
                for (TfVariable v : run) {
                    TFloat32 t = TFloat32.tensorOf(TfTensors.shape(v.interchangeShape()));
                    fed.add(t);
                    FloatDataBuffer data = t.asRawTensor().data().asFloats();
                    String name = names.get(v);
                    for (long off = 0; off < v.size(); off += chunk.length) {
                        int n = (int) Math.min(chunk.length, v.size() - off);
                        source.read(name, off, FloatBuffer.wrap(chunk, 0, n));
                        data.offset(off).write(chunk, 0, n);
                    }
                    runner.feed(v.feed(), t).addTarget(v.assign());
                }
                runner.run().close();
            } finally {
                fed.forEach(TFloat32::close);
            }
        }
    }

    /** Sets the given variables to zero inside TensorFlow (each gets a buffer of its own). */
    static void zero(Session session, Collection<TfVariable> vars) {
        try (TFloat32 zero = TFloat32.scalarOf(0f)) {
            for (List<TfVariable> run : runs(List.copyOf(vars))) {
                Session.Runner runner = session.runner();
                run.forEach(v -> runner.feed(v.zeroValue(), zero).addTarget(v.zero()));
                runner.run().close();
            }
        }
    }

    /** Streams the variables' values in interchange layout to {@code sink}, a bounded chunk at a time. */
    static void read(Session session, Collection<TfVariable> vars, ChunkSink sink) {
        float[] chunk = new float[(int) Math.min(CHUNK_VALUES, vars.stream().mapToLong(TfVariable::size).max()
                .orElse(0))];
        for (List<TfVariable> run : runs(List.copyOf(vars))) {
            Session.Runner runner = session.runner();
            run.forEach(v -> runner.fetch(v.interchangeRead()));
            try (var result = runner.run()) {
                for (int i = 0; i < run.size(); i++) {
                    TfVariable v = run.get(i);
                    FloatDataBuffer data = ((TFloat32) result.get(i)).asRawTensor().data().asFloats();
                    for (long off = 0; off < v.size(); off += chunk.length) {
                        int n = (int) Math.min(chunk.length, v.size() - off);
                        data.offset(off).read(chunk, 0, n);
                        sink.accept(v.name(), off, FloatBuffer.wrap(chunk, 0, n));
                    }
                }
            }
        }
    }

    /** Reads the given variables onto the heap (small models), in interchange layout, keyed by prefix + name. */
    static Map<String, Tensor> read(Session session, Collection<TfVariable> vars, String prefix) {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (TfVariable v : vars) {
            values.put(v.name(), new float[Math.toIntExact(v.size())]);
            shapes.put(v.name(), v.interchangeShape());
        }
        read(session, vars, (name, offset, chunk) -> chunk.get(values.get(name), Math.toIntExact(offset),
                chunk.remaining()));
        Map<String, Tensor> out = new LinkedHashMap<>();
        values.forEach((name, v) -> out.put(prefix + name, Tensor.of(v, shapes.get(name))));
        return out;
    }

    /** Consecutive groups of at most {@link #RUN_VALUES} values (a bigger tensor alone). */
    static List<List<TfVariable>> runs(List<TfVariable> vars) {
        List<List<TfVariable>> runs = new ArrayList<>();
        List<TfVariable> current = new ArrayList<>();
        long values = 0;
        for (TfVariable v : vars) {
            if (!current.isEmpty() && values + v.size() > RUN_VALUES) {
                runs.add(current);
                current = new ArrayList<>();
                values = 0;
            }
            current.add(v);
            values += v.size();
        }
        if (!current.isEmpty()) runs.add(current);
        return runs;
    }

    Map<String, TfVariable> byName() {
        return Collections.unmodifiableMap(variables);
    }

    Map<String, TfVariable> momentumByName() {
        return Collections.unmodifiableMap(momentum);
    }
}
