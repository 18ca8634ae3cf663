package org.seer4j.djl;

import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.optim.OptimizerShards;
import org.seer4j.core.port.Collective;
import org.seer4j.core.tensor.Tensor;

/**
 * The data-parallel update with sharded optimiser state ({@code backend.shard_optimizer_state}, ZeRO stage 1):
 * the gradients of a group of tensors are reduce-scattered into one flat buffer grouped by owner, each worker
 * averages and applies the update of the tensors it owns (only those have momentum here), writes their new values
 * into its range, and the buffer is all-gathered so that every worker loads the others' new weights. The sums and
 * the update are those of the unsharded path, so the weights agree with it to the float32 rounding of the host
 * buffer (bit for bit with float32 weights when the collective sums in rank order, as {@code InProcessGroup} does).
 */
final class ShardedUpdate {
    private final OptimizerShards shards;
    private final Collective collective;
    private final ModelParameters params;
    private final SgdLarcOptimizer optimizer;
    private PtNDManager gatheredManager;
    private Map<String, PtNDArray> gathered = Map.of();

    ShardedUpdate(List<ModelParameters.Entry> entries, Collective collective, ModelParameters params,
                  SgdLarcOptimizer optimizer) {
        List<String> names = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (ModelParameters.Entry e : entries) {
            names.add(e.name());
            sizes.add(e.array().size());
        }
        this.shards = OptimizerShards.of(names, sizes, collective.worldSize());
        this.collective = collective;
        this.params = params;
        this.optimizer = optimizer;
    }

    boolean owns(String name) {
        return shards.owner(name) == collective.rank();
    }

    /**
     * Updates every tensor of {@code entries} that has a gradient (the tensor {@code frozen}, if any, keeps its
     * weights and state); autograd must be off. Gradients stay for the caller to free. Returns the names updated.
     */
    List<String> apply(PtNDManager step, List<ModelParameters.Entry> entries, double lr, String frozen) {
        List<ModelParameters.Entry> present = new ArrayList<>();
        List<PtNDArray> grads = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (ModelParameters.Entry p : entries) {
            PtNDArray g = JniUtils.getGradient(p.array());
            if (g == null) continue;
            g.attach(step);
            present.add(p);
            grads.add(g);
            names.add(p.name());
            sizes.add(Math.toIntExact(g.size()));
        }
        OptimizerShards.Layout layout = shards.layout(names, sizes);
        float[] buffer = new float[layout.length()];
        for (int k = 0; k < layout.order().length; k++) {
            float[] values = grads.get(layout.order()[k]).toType(DataType.FLOAT32, false).toFloatArray();
            System.arraycopy(values, 0, buffer, layout.offsets()[k], values.length);
        }
        collective.reduceScatterSum(buffer, layout.bounds());
        float scale = 1f / collective.worldSize();
        int rank = collective.rank();
        List<String> updated = new ArrayList<>();
        Map<String, Tensor> others = new LinkedHashMap<>();
        for (int k = 0; k < layout.order().length; k++) {
            int i = layout.order()[k];
            ModelParameters.Entry p = present.get(i);
            int offset = layout.offsets()[k];
            int n = sizes.get(i);
            int[] shape = Convert.toInts(p.array().getShape());
            if (offset < layout.bounds()[rank] || offset >= layout.bounds()[rank + 1]) {
                continue;
            }
            if (!p.name().equals(frozen)) {
                float[] mean = new float[n];
                for (int j = 0; j < n; j++) mean[j] = buffer[offset + j] * scale;
                PtNDArray g = Convert.toArray(step, Tensor.of(mean, shape), grads.get(i).getDataType());
                optimizer.update(p.name(), p.kind(), p.array(), g, lr);
                g.close();
            }
            float[] w = p.array().toType(DataType.FLOAT32, false).toFloatArray();
            System.arraycopy(w, 0, buffer, offset, n);
        }
        collective.allGather(buffer, layout.bounds());
        for (int k = 0; k < layout.order().length; k++) {
            int i = layout.order()[k];
            ModelParameters.Entry p = present.get(i);
            int offset = layout.offsets()[k];
            if (!p.name().equals(frozen)) updated.add(p.name());
            if (offset >= layout.bounds()[rank] && offset < layout.bounds()[rank + 1]) continue;
            float[] w = new float[sizes.get(i)];
            System.arraycopy(buffer, offset, w, 0, w.length);
            others.put(p.name(), Tensor.of(w, Convert.toInts(p.array().getShape())));
        }
        params.load(others);
        return updated;
    }

    /**
     * Collective: every owner broadcasts the momentum of its tensors, rank 0 keeps what it does not own until
     * {@link #release()} (the next step), so that a checkpoint holds the whole state.
     */
    void gather(List<ModelParameters.Entry> trainable, PtNDManager manager, DataType dataType) {
        release();
        float[] present = new float[trainable.size()];
        for (int i = 0; i < present.length; i++) {
            String name = trainable.get(i).name();
            if (owns(name) && optimizer.buffer(name) != null) present[i] = 1;
        }
        collective.allReduceSum(present);
        gatheredManager = (PtNDManager) manager.newSubManager();
        Map<String, PtNDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < present.length; i++) {
            if (present[i] == 0) continue;
            ModelParameters.Entry p = trainable.get(i);
            int owner = shards.owner(p.name());
            int[] shape = Convert.toInts(p.array().getShape());
            float[] values = owner == collective.rank()
                    ? optimizer.buffer(p.name()).toType(DataType.FLOAT32, false).toFloatArray()
                    : new float[Math.toIntExact(p.array().size())];
            collective.broadcast(values, owner);
            if (collective.rank() == 0 && owner != 0) {
                out.put(p.name(), Convert.toArray(gatheredManager, Tensor.of(values, shape), dataType));
            }
        }
        gathered = out;
    }

    /** The momentum of a tensor another worker owns, gathered for a checkpoint; null otherwise. */
    PtNDArray gathered(String name) {
        return gathered.get(name);
    }

    void release() {
        gathered = Map.of();
        if (gatheredManager != null) {
            gatheredManager.close();
            gatheredManager = null;
        }
    }
}
