package org.seer4j.core.tensor;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link TensorReader} over {@link Tensor}s on the heap: the bridge from the map API of small models. */
final class HeapTensors implements TensorReader {
    private final Map<String, Tensor> tensors;
    private final List<TensorInfo> infos = new ArrayList<>();

    HeapTensors(Map<String, Tensor> tensors) {
        this.tensors = new LinkedHashMap<>(tensors);
        tensors.forEach((name, t) -> infos.add(TensorInfo.of(name, t.shape())));
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(infos);
    }

    @Override
    public void read(String name, long offset, FloatBuffer into) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor named " + name);
        int count = into.remaining();
        TensorReader.checkRange(TensorInfo.of(name, t.shape()), offset, count);
        into.put(t.buffer().position((int) offset).limit((int) offset + count));
    }

    @Override
    public Map<String, Tensor> toMap() {
        return new LinkedHashMap<>(tensors);
    }
}
