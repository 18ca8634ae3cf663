package org.seer4j.djl;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;

/**
 * The model's named tensors (interchange names, torch layouts), living in one long-lived manager. Parameters are
 * created zeroed and filled once from the core's initial weights; every later load replaces values in place.
 */
final class ModelParameters {

    /** One named tensor and how the optimiser treats it. */
    record Entry(String name, PtNDArray array, ParameterKind kind) {
        Shape shape() {
            return array.getShape();
        }
    }

    private final PtNDManager manager;
    private final DataType dataType;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    ModelParameters(PtNDManager manager, DataType dataType) {
        this.manager = manager;
        this.dataType = dataType;
    }

    PtNDArray declare(String name, ParameterKind kind, long... shape) {
        if (entries.containsKey(name)) throw new IllegalStateException("parameter declared twice: " + name);
        PtNDArray array = (PtNDArray) manager.zeros(new Shape(shape), dataType);
        array.setName(name);
        if (kind.trainable()) array.setRequiresGradient(true);
        entries.put(name, new Entry(name, array, kind));
        return array;
    }

    PtNDArray get(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new IllegalArgumentException("no parameter named " + name);
        return e.array();
    }

    Entry entry(String name) {
        return entries.get(name);
    }

    List<Entry> all() {
        return Collections.unmodifiableList(new ArrayList<>(entries.values()));
    }

    List<Entry> trainable() {
        return entries.values().stream().filter(e -> e.kind().trainable()).toList();
    }

    /**
     * Drops the gradient of a trainable tensor. DJL can only zero a gradient in place, which keeps its memory; the
     * tensor is replaced by a detached alias of the same storage instead, so the old tensor and its gradient are
     * freed once nothing else holds them (the autograd graph of the pass that produced it must be closed).
     */
    void freeGradient(Entry e) {
        PtNDArray a = e.array();
        a.intern(JniUtils.detachGradient(a));
        a.setRequiresGradient(true);
    }

    DataType dataType() {
        return dataType;
    }

    /** Every tensor copied out as float32, in declaration order. */
    Map<String, Tensor> toTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Entry e : entries.values()) out.put(e.name(), Convert.toTensor(e.array()));
        return out;
    }

    /** Every tensor as a chunked view of engine memory, in declaration order (float32 values). */
    TensorReader reader() {
        List<TensorInfo> infos = entries.values().stream().map(e -> NativeChunks.info(e.name(), e.shape())).toList();
        return NativeChunks.view(infos, this::get);
    }

    /**
     * Writes the reader's tensors into the existing engine tensors chunk by chunk (one reused buffer of
     * {@link NativeChunks#chunkValues} values), so a model-sized source never sits on the Java heap. Unknown names
     * and shapes that differ are refused before anything is written.
     */
    void load(TensorReader reader) {
        List<String> problems = new ArrayList<>();
        for (TensorInfo t : reader.tensors()) {
            Entry e = entries.get(t.name());
            if (e == null) {
                problems.add("unknown tensor '" + t.name() + "'");
            } else if (!Arrays.equals(e.shape().getShape(), t.shape())) {
                problems.add("'" + t.name() + "' has shape " + Arrays.toString(t.shape())
                        + " but the model expects " + e.shape());
            }
        }
        Map<String, Tensor> names = new LinkedHashMap<>();
        for (TensorInfo t : reader.tensors()) names.put(t.name(), null);
        refuse(problems, names);
        java.nio.ByteBuffer buffer = NativeChunks.buffer();
        for (TensorInfo t : reader.tensors()) NativeChunks.fill(entries.get(t.name()).array(), reader, t, buffer);
    }

    private void refuse(List<String> problems, Map<String, Tensor> tensors) {
        if (problems.isEmpty()) return;
        String shown = String.join("; ", problems.subList(0, Math.min(3, problems.size())));
        String more = problems.size() > 3 ? "; and " + (problems.size() - 3) + " more" : "";
        throw new IllegalArgumentException("weights do not fit the model: " + shown + more + nearbyNames(tensors));
    }

    /**
     * Replaces values in place. Unknown names and shapes that differ are refused before anything is written, so
     * a bad file leaves the model as it was.
     */
    void load(Map<String, Tensor> tensors) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            Entry e = entries.get(t.getKey());
            if (e == null) {
                problems.add("unknown tensor '" + t.getKey() + "'");
            } else if (!Arrays.equals(e.shape().getShape(), toLongs(t.getValue().shape()))) {
                problems.add("'" + t.getKey() + "' has shape " + Arrays.toString(t.getValue().shape())
                        + " but the model expects " + e.shape());
            }
        }
        refuse(problems, tensors);
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            Entry target = entries.get(t.getKey());
            // The target takes over the natively owned copy's tensor, so its Java identity (held by the network)
            // stays while the values change; autograd must be switched on again for the new tensor.
            PtNDArray source = Convert.toArray(manager, t.getValue(), dataType);
            target.array().intern(source);
            if (target.kind().trainable()) target.array().setRequiresGradient(true);
        }
    }

    /** Names the model has that the file lacks: the usual sign of a different architecture or naming scheme. */
    private String nearbyNames(Map<String, Tensor> tensors) {
        TreeSet<String> missing = new TreeSet<>(entries.keySet());
        missing.removeAll(tensors.keySet());
        if (missing.isEmpty()) return "";
        return " (the model has " + entries.size() + " tensors, e.g. '" + missing.first() + "' is not in the file)";
    }

    private static long[] toLongs(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) out[i] = shape[i];
        return out;
    }
}
