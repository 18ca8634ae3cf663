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
 * A chunked view of some of a model's variables (interchange layout and names, with a prefix). One group of
 * variables at a time ({@link VariableStore#RUN_VALUES} values at most, a bigger tensor alone) is fetched from the
 * session into native tensors and chunks are copied out of them; the Java heap holds only the caller's chunk. The
 * groups are fixed, so each is one session signature that TensorFlow prepares once (a signature per variable
 * would prune the whole training graph hundreds of times per checkpoint). The owner {@link #release()}s the
 * fetched tensors when the model changes or closes.
 */
final class VariableReader implements TensorReader {
    private final Session session;
    private final String prefix;
    private final Map<String, TfVariable> byName = new LinkedHashMap<>();
    private final List<TensorInfo> infos = new ArrayList<>();
    private final List<List<TfVariable>> groups;
    private List<TfVariable> cachedGroup;
    private Result cached;

    VariableReader(Session session, Iterable<TfVariable> vars, String prefix) {
        this.session = session;
        this.prefix = prefix;
        for (TfVariable v : vars) {
            byName.put(prefix + v.name(), v);
            infos.add(TensorInfo.of(prefix + v.name(), v.interchangeShape()));
        }
        this.groups = VariableStore.runs(List.copyOf(byName.values()));
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
        if (cachedGroup == null || !cachedGroup.contains(v)) {
            release();
            List<TfVariable> group = groups.stream().filter(g -> g.contains(v)).findFirst().orElseThrow();
            Session.Runner runner = session.runner();
            group.forEach(g -> runner.fetch(g.interchangeRead()));
            cached = runner.run();
            cachedGroup = group;
        }
        float[] chunk = new float[(int) Math.min(n, VariableStore.CHUNK_VALUES)];
        var data = ((TFloat32) cached.get(cachedGroup.indexOf(v))).asRawTensor().data().asFloats();
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
            cachedGroup = null;
        }
    }
}
