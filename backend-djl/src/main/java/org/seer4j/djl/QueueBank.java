package org.seer4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.swav.EmbeddingQueue;
import org.seer4j.core.tensor.Tensor;

/**
 * SwAV's queues of past embeddings on the engine, one per assigning crop, newest rows first (the same order as
 * the core's {@code EmbeddingQueue}). Allocated on the first push; full once {@code length} rows were pushed.
 */
final class QueueBank {
    /** Training-state key of how many rows were pushed into each queue (decides when it is full). */
    static final String ROWS_PUSHED = "queue.rows_pushed";

    private final PtNDManager manager;
    private final DataType dataType;
    private final int length;
    private final List<PtNDArray> queues = new ArrayList<>();
    private long rowsPushed;
    /** Rows counted as pushed in a queue resized on loading (a checkpoint of another number of workers). */
    private Long resizedRows;

    QueueBank(PtNDManager manager, DataType dataType, int length) {
        this.manager = manager;
        this.dataType = dataType;
        this.length = length;
    }

    boolean full() {
        return length > 0 && rowsPushed >= length && !queues.isEmpty();
    }

    long rowsPushed() {
        return rowsPushed;
    }

    /** Scores [length, K] of queue {@code i} against {@code prototypes}, owned by {@code step}. */
    PtNDArray scores(int i, PtNDArray prototypes, PtNDManager step) {
        PtNDArray s = Ops.linear(queues.get(i), prototypes, null);
        s.attach(step);
        return s;
    }

    /** Pushes one [B, D] block of embeddings per queue (autograd must be off). */
    void push(List<PtNDArray> fresh) {
        while (queues.size() < fresh.size()) {
            queues.add((PtNDArray) manager.zeros(new Shape(length, fresh.get(0).getShape().get(1)), dataType));
        }
        long b = fresh.get(0).getShape().get(0);
        for (int i = 0; i < fresh.size(); i++) {
            PtNDArray queue = queues.get(i);
            try (NDArray kept = queue.get(new NDIndex("0:" + (length - b)))) {
                PtNDArray next = JniUtils.cat(new PtNDArray[] {fresh.get(i), (PtNDArray) kept}, 0);
                // The queue keeps its identity and takes a natively owned copy; the step's arrays die with the step.
                queue.intern(JniUtils.clone(next));
            }
        }
        rowsPushed += b;
    }

    Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < queues.size(); i++) out.put("queue." + i, Convert.toTensor(queues.get(i)));
        if (!queues.isEmpty()) out.put(ROWS_PUSHED, Tensor.of(new float[] {rowsPushed}, 1));
        return out;
    }

    /** Takes one training-state entry; false when the key is not a queue's. */
    boolean load(String key, Tensor value) {
        if (key.equals(ROWS_PUSHED)) {
            if (resizedRows == null) rowsPushed = (long) value.get(0);
            return true;
        }
        if (!key.startsWith("queue.")) return false;
        int i;
        try {
            i = Integer.parseInt(key.substring("queue.".length()));
        } catch (NumberFormatException e) {
            return false;
        }
        if (value.rank() != 2) {
            throw new IllegalArgumentException("training state '" + key + "' has shape "
                    + java.util.Arrays.toString(value.shape()) + "; a queue is [rows, dim]");
        }
        if (value.dim(0) != length) {
            // a checkpoint of another number of workers holds rank 0's queue of another length
            EmbeddingQueue resized = EmbeddingQueue.resized(value, EmbeddingQueue.pushedRows(value), length);
            value = resized.contents();
            resizedRows = resized.pushedRows();
            rowsPushed = resizedRows;
        }
        PtNDArray array = Convert.toArray(manager, value, dataType);
        while (queues.size() <= i) queues.add(null);
        if (queues.get(i) != null) queues.get(i).close();
        queues.set(i, array);
        return true;
    }
}
