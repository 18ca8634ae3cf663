package org.seer4j.core.tensor;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Named tensors whose row-major float values are read in chunks, at any 64-bit offset, so model-sized data
 * (weights, optimiser state, checkpoints) moves through bounded buffers and never sits in one Java array.
 *
 * <p>The same interface serves both directions: a file or the core's initial weights is a reader an engine loads
 * from, and an engine's weights are a reader a file is written from. Readers backed by engine memory are views:
 * valid until the model next changes (a step, a load) or closes. Callers read tensor by tensor in
 * {@link #tensors()} order with increasing offsets, so readers that copy a whole tensor out of an engine at a
 * time may cache the one being read; any other order must still give the right values.
 */
public interface TensorReader {

    /** What this reader holds, in its order (checkpoints and files keep it). */
    List<TensorInfo> tensors();

    /**
     * Copies values {@code [offset, offset + into.remaining())} of the tensor {@code name} (row-major, flat
     * index) into {@code into}, advancing its position to its limit.
     *
     * @throws IllegalArgumentException for an unknown name or a range outside the tensor
     * @throws java.io.UncheckedIOException when the values live in a file that cannot be read
     */
    void read(String name, long offset, FloatBuffer into);

    default Optional<TensorInfo> info(String name) {
        for (TensorInfo t : tensors()) if (t.name().equals(name)) return Optional.of(t);
        return Optional.empty();
    }

    /** Total elements of every tensor: what a checkpoint of this reader holds, at 4 bytes each in float32. */
    default long totalSize() {
        long n = 0;
        for (TensorInfo t : tensors()) n += t.size();
        return n;
    }

    /** One tensor whole, on the Java heap: for small tensors (an int's worth of elements at most). */
    default Tensor readTensor(String name) {
        TensorInfo t = info(name).orElseThrow(() -> new IllegalArgumentException("no tensor named " + name));
        if (t.size() > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor " + t + " has "
                + t.size() + " elements, too many for one Java array; read it in chunks");
        float[] v = new float[(int) t.size()];
        read(name, 0, FloatBuffer.wrap(v));
        return Tensor.of(v, t.intShape());
    }

    /** Every tensor whole, on the Java heap, for small models and tests; big ones must move in chunks. */
    default Map<String, Tensor> toMap() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorInfo t : tensors()) out.put(t.name(), readTensor(t.name()));
        return out;
    }

    /** A reader over tensors already on the heap, in the map's order. */
    static TensorReader of(Map<String, Tensor> tensors) {
        return new HeapTensors(tensors);
    }

    /** The same tensors in another order (e.g. sorted by name for reproducible files); names must all exist. */
    default TensorReader ordered(List<String> names) {
        TensorReader self = this;
        List<TensorInfo> infos = names.stream().map(n -> self.info(n)
                .orElseThrow(() -> new IllegalArgumentException("no tensor named " + n))).toList();
        return new TensorReader() {
            @Override
            public List<TensorInfo> tensors() {
                return infos;
            }

            @Override
            public void read(String name, long offset, FloatBuffer into) {
                self.read(name, offset, into);
            }
        };
    }

    /** Checks a requested range against a tensor, with a message naming both. */
    static void checkRange(TensorInfo t, long offset, int count) {
        if (offset < 0 || count < 0 || offset > t.size() - count) throw new IllegalArgumentException("values ["
                + offset + ", " + (offset + count) + ") lie outside tensor " + t + " of " + t.size() + " values");
    }
}
