package org.seer4j.core.distributed;

import java.util.LinkedHashMap;
import java.util.Map;
import org.seer4j.core.port.Collective;
import org.seer4j.core.tensor.Tensor;

/** Host-side helpers for data-parallel replicas, shared by the engines. */
public final class Replicas {

    private Replicas() {
    }

    /** Every tensor replaced by rank 0's, in one broadcast of the tensors laid end to end in map order. */
    public static Map<String, Tensor> broadcast(Map<String, Tensor> tensors, Collective collective) {
        long total = 0;
        for (Tensor t : tensors.values()) total += t.size();
        float[] flat = new float[Math.toIntExact(total)];
        int offset = 0;
        for (Tensor t : tensors.values()) {
            for (int i = 0; i < t.size(); i++) flat[offset + i] = t.get(i);
            offset += t.size();
        }
        collective.broadcast(flat, 0);
        Map<String, Tensor> out = new LinkedHashMap<>();
        offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            int n = e.getValue().size();
            float[] part = new float[n];
            System.arraycopy(flat, offset, part, 0, n);
            offset += n;
            out.put(e.getKey(), Tensor.of(part, e.getValue().shape()));
        }
        return out;
    }
}
