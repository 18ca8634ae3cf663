package org.seer4j.data.weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.model.DesignInference;
import org.seer4j.core.model.ParameterLayout;
import org.seer4j.core.model.ParameterSpec;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;

/**
 * A RegNet (with its classifier or SwAV head, if any) found in a {@code torch.save} file: the state dict located
 * through the usual wrappers, names translated ({@link InterchangeNames}), the design inferred from the shapes, and
 * the tensors still unread. Read them with {@link #read(String)} or {@link #readAll()}; close it after.
 *
 * @param format  {@code pytorch-zip} or {@code pytorch-legacy}, plus {@code /vissl} for a VISSL checkpoint
 * @param design  the network the shapes describe and the presets it matches
 * @param tensors interchange name -> tensor, in {@link ParameterLayout} order
 * @param skipped names in the file that are not imported (optimizer state, step counters, other heads, ...)
 */
public record RegNetImport(String format, DesignInference.Inferred design, Map<String, TorchTensor> tensors,
                           List<String> skipped, TorchCheckpoint source) implements AutoCloseable {

    /** Reads {@code file} and finds the RegNet in it; a file that holds none is a {@link CheckpointFormatException}. */
    public static RegNetImport open(Path file, int stemStride) throws IOException {
        TorchCheckpoint ckpt = TorchCheckpoint.open(file);
        try {
            return locate(ckpt, stemStride);
        } catch (IOException | RuntimeException e) {
            ckpt.close();
            throw e;
        }
    }

    private static RegNetImport locate(TorchCheckpoint ckpt, int stemStride) throws IOException {
        Path file = ckpt.file();
        List<String> skipped = new ArrayList<>();
        Map<String, Object> flat = new LinkedHashMap<>();
        boolean vissl;
        try {
            vissl = StateDicts.flatten(ckpt.root(), flat, skipped);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, e.getMessage());
        }
        Map<String, TorchTensor> named = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            String interchange = InterchangeNames.of(e.getKey()).orElse(null);
            if (interchange == null || !(e.getValue() instanceof TorchTensor t) || !t.storage().dtype().floating()) {
                skipped.add(e.getKey());
                continue;
            }
            if (named.putIfAbsent(interchange, t) != null) {
                throw new CheckpointFormatException(file, "two tensors map to '" + interchange + "' (the second is '"
                        + e.getKey() + "')");
            }
            shapes.put(interchange, t.shape());
        }
        if (named.isEmpty()) {
            throw new CheckpointFormatException(file, "no RegNet weights found (" + flat.size() + " entries, e.g. "
                    + flat.keySet().stream().limit(3).toList() + "): not a RegNet state_dict");
        }
        DesignInference.Inferred design;
        try {
            design = DesignInference.infer(shapes, stemStride);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, e.getMessage());
        }
        Map<String, TorchTensor> ordered = new LinkedHashMap<>();
        for (ParameterSpec p : ParameterLayout.of(design.network())) ordered.put(p.name(), named.remove(p.name()));
        skipped.addAll(named.keySet());
        return new RegNetImport(ckpt.format() + (vissl ? "/vissl" : ""), design, ordered, List.copyOf(skipped), ckpt);
    }

    /** One tensor as float32, whole (up to 2^31 - 1 elements). */
    public Tensor read(String name) throws IOException {
        TorchTensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor '" + name + "'");
        long n = t.elements();
        if (n > Integer.MAX_VALUE - 8) {
            throw new CheckpointFormatException(source.file(), "'" + name + "' has " + n
                    + " elements, more than one in-memory tensor holds");
        }
        float[] data = new float[(int) n];
        source.read(t, 0, data, data.length);
        return Tensor.of(data, t.shape());
    }

    /**
     * The tensors as a chunked reader over the still open file, valid until {@link #close()}: contiguous tensors
     * (all that {@code torch.save} writes for a state dict) of any size are read at 64-bit offsets through a
     * buffer of at most {@code chunkValues} floats, so an import never holds a whole tensor on the heap.
     */
    public TensorReader reader(int chunkValues) {
        if (chunkValues < 1) throw new IllegalArgumentException("chunk must hold at least one value");
        List<TensorInfo> infos = new ArrayList<>();
        tensors.forEach((name, t) -> {
            long[] shape = new long[t.shape().length];
            for (int i = 0; i < shape.length; i++) shape[i] = t.shape()[i];
            infos.add(new TensorInfo(name, shape));
        });
        return new TensorReader() {
            private float[] chunk = new float[0];

            @Override
            public List<TensorInfo> tensors() {
                return infos;
            }

            @Override
            public void read(String name, long offset, FloatBuffer into) {
                TorchTensor t = tensors.get(name);
                if (t == null) throw new IllegalArgumentException("no tensor '" + name + "'");
                TensorReader.checkRange(info(name).orElseThrow(), offset, into.remaining());
                try {
                    if (!t.contiguous()) { // strided views are small (never a whole layer's weights): read whole
                        FloatBuffer whole = RegNetImport.this.read(name).buffer();
                        whole.position((int) offset).limit((int) offset + into.remaining());
                        into.put(whole);
                        return;
                    }
                    long at = offset;
                    while (into.hasRemaining()) {
                        int n = Math.min(into.remaining(), chunkValues);
                        if (chunk.length < n) chunk = new float[n];
                        source.read(t, at, chunk, n);
                        into.put(chunk, 0, n);
                        at += n;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** Every tensor, in order. */
    public Map<String, Tensor> readAll() throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : tensors.keySet()) out.put(name, read(name));
        return out;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
