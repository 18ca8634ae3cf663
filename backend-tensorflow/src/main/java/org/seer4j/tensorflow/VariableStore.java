package org.seer4j.tensorflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.seer4j.core.tensor.Tensor;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The model's variables by interchange name, created on first request while the graph is built, plus the
 * momentum buffers of the trainable ones. Loading and reading go through ops built once, so neither grows the
 * graph.
 */
final class VariableStore implements WeightSource {
    private final Ops tf;
    private final Map<String, TfVariable> variables = new LinkedHashMap<>();
    private final Map<String, TfVariable> momentum = new LinkedHashMap<>();

    VariableStore(Ops tf) {
        this.tf = tf.withSubScope("variables");
    }

    TfVariable get(String name, TfVariable.Kind kind, int... interchangeShape) {
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
     * evaluation trains); call once the model is declared.
     */
    void declareMomentum() {
        Ops m = tf.withSubScope("momentum");
        for (TfVariable v : variables.values()) {
            if (v.kind().trainable() && !v.name().startsWith("fc.")) {
                momentum.put(v.name(), TfVariable.create(m, "momentum", v.name(), v.kind(), v.interchangeShape()));
            }
        }
    }

    TfVariable momentumOf(TfVariable v) {
        return momentum.get(v.name());
    }

    Collection<TfVariable> momentumBuffers() {
        return Collections.unmodifiableCollection(momentum.values());
    }

    /** Loads the given interchange-named tensors in one session run; every name and shape is checked first. */
    static void load(Session session, Map<String, TfVariable> targets, Map<String, Tensor> tensors) {
        List<String> unknown = new ArrayList<>();
        for (String name : tensors.keySet()) {
            if (!targets.containsKey(name)) unknown.add(name);
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown tensor names: " + new TreeSet<>(unknown));
        }
        List<Tensor> internal = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            internal.add(targets.get(e.getKey()).toInternal(e.getValue()));
        }
        List<TFloat32> fed = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            int i = 0;
            for (String name : tensors.keySet()) {
                TfVariable v = targets.get(name);
                TFloat32 t = TfTensors.toTf(internal.get(i++));
                fed.add(t);
                runner.feed(v.feed(), t).addTarget(v.assign());
            }
            if (!runner.isEmpty()) {
                runner.run().close();
            }
        } finally {
            fed.forEach(TFloat32::close);
        }
    }

    /** Reads the given variables in one session run, in interchange layout, keyed by {@code prefix + name}. */
    static Map<String, Tensor> read(Session session, Collection<TfVariable> vars, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (vars.isEmpty()) return out;
        Session.Runner runner = session.runner();
        for (TfVariable v : vars) {
            runner.fetch(v.read());
        }
        try (var result = runner.run()) {
            int i = 0;
            for (TfVariable v : vars) {
                out.put(prefix + v.name(), v.toInterchange(TfTensors.fromTf(result.get(i++))));
            }
        }
        return out;
    }

    Map<String, TfVariable> byName() {
        return Collections.unmodifiableMap(variables);
    }

    Map<String, TfVariable> momentumByName() {
        return Collections.unmodifiableMap(momentum);
    }
}
