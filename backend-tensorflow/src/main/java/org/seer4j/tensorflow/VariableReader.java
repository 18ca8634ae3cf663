package org.seer4j.tensorflow;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * A chunked view of some of a model's variables (interchange layout and names, with a prefix). One variable at a
 * time is fetched from the session into a native tensor and chunks are copied out of it; the Java heap holds only
 * the caller's chunk. The owner {@link #release()}s the fetched tensor when the model changes or closes.
 */
final class VariableReader implements TensorReader {
    private final Session session;
    private final String prefix;
    private final Map<String, TfVariable> byName = new LinkedHashMap<>();
    private final List<TensorInfo> infos = new ArrayList<>();
    private String cachedName;
    private Result cached;

    VariableReader(Session session, Iterable<TfVariable> vars, String prefix) {
        this.session = session;
        this.prefix = prefix;
        for (TfVariable v : vars) {
            byName.put(prefix + v.name(), v);
            infos.add(TensorInfo.of(prefix + v.name(), v.interchangeShape()));
        }
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(infos);
    }

    @Override
    public synchronized void read(String name, long offset, FloatBuffer into) {
        TfVariable v = byName.get(name);
        if (v == null) throw new IllegalArgumentException("no tensor named " + name);
        int n = into.remaining();
        TensorReader.checkRange(TensorInfo.of(name, v.interchangeShape()), offset, n);
        if (!name.equals(cachedName)) {
            release();
            cached = session.runner().fetch(v.interchangeRead()).run();
            cachedName = name;
        }
        float[] chunk = new float[(int) Math.min(n, VariableStore.CHUNK_VALUES)];
        var data = ((TFloat32) cached.get(0)).asRawTensor().data().asFloats();
        for (long done = 0; done < n; done += chunk.length) {
            int k = (int) Math.min(chunk.length, n - done);
            data.offset(offset + done).read(chunk, 0, k);
            into.put(chunk, 0, k);
        }
    }

    /** Frees the fetched tensor, if any. */
    synchronized void release() {
        if (cached != null) {
            cached.close();
            cached = null;
            cachedName = null;
        }
    }
}
