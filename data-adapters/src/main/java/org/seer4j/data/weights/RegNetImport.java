package org.seer4j.data.weights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.model.DesignInference;
import org.seer4j.core.model.ParameterLayout;
import org.seer4j.core.model.ParameterSpec;
import org.seer4j.core.tensor.Tensor;

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
