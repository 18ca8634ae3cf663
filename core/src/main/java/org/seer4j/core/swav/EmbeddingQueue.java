package org.seer4j.core.swav;

import org.seer4j.core.tensor.Tensor;

/**
 * SwAV's queue of past embeddings for one assigning crop: {@code length} rows of {@code dim} floats, newest first.
 *
 * <p>A push shifts the held rows down by the batch size (the oldest fall off the bottom) and writes the new batch
 * at the top, in batch order, as SwAV does. The queue is {@link #full()} once {@code length} rows were pushed;
 * only then do its scores join Sinkhorn. Within a step the order is: decide {@code useQueue} from {@link #full()},
 * compute codes with the queue's scores against the current prototypes, then push this batch's embeddings, so a
 * batch never meets itself in the queue.
 */
public final class EmbeddingQueue {
    private final int length;
    private final int dim;
    private final float[] rows;
    private long pushedRows;

    public EmbeddingQueue(int length, int dim) {
        if (length <= 0) {
            throw new IllegalArgumentException("queue length must be > 0, got " + length);
        }
        if (dim <= 0) {
            throw new IllegalArgumentException("embedding dimension must be > 0, got " + dim);
        }
        this.length = length;
        this.dim = dim;
        this.rows = new float[Math.multiplyExact(length, dim)];
    }

    /** A queue holding {@code contents} [length, dim] after {@code pushedRows} rows were pushed (for resuming). */
    public static EmbeddingQueue restore(Tensor contents, long pushedRows) {
        if (contents.rank() != 2) {
            throw new IllegalArgumentException("queue contents must be [length, dim], got " + contents);
        }
        if (pushedRows < 0) {
            throw new IllegalArgumentException("pushed rows must be >= 0, got " + pushedRows);
        }
        EmbeddingQueue q = new EmbeddingQueue(contents.dim(0), contents.dim(1));
        contents.copyTo(q.rows, 0);
        q.pushedRows = pushedRows;
        return q;
    }

    public int length() {
        return length;
    }

    public int dim() {
        return dim;
    }

    /** Rows pushed since creation (not capped at the length). */
    public long pushedRows() {
        return pushedRows;
    }

    public boolean full() {
        return pushedRows >= length;
    }

    /** Pushes a batch of embeddings [B, dim], B <= length. */
    public void push(Tensor embeddings) {
        if (embeddings.rank() != 2 || embeddings.dim(1) != dim) {
            throw new IllegalArgumentException("embeddings must be [batch, " + dim + "], got " + embeddings);
        }
        int batch = embeddings.dim(0);
        checkBatch(batch);
        shiftDown(batch);
        embeddings.copyTo(rows, 0);
        pushedRows += batch;
    }

    /** Pushes {@code batch} embeddings held row-major in {@code data} (batch * dim values), B <= length. */
    public void push(float[] data, int batch) {
        checkBatch(batch);
        if (data.length != (long) batch * dim) {
            throw new IllegalArgumentException(
                    "a batch of " + batch + " embeddings of dim " + dim + " needs " + (long) batch * dim
                            + " values, got " + data.length);
        }
        shiftDown(batch);
        System.arraycopy(data, 0, rows, 0, data.length);
        pushedRows += batch;
    }

    /** Scores [length][K] of every queued embedding against the prototypes [K][dim]: queue x prototypes^T. */
    public double[][] scores(double[][] prototypes) {
        if (!full()) {
            throw new IllegalStateException("the queue holds " + pushedRows + " of " + length
                    + " rows; its scores join Sinkhorn only once it is full");
        }
        int k = prototypes.length;
        double[][] out = new double[length][k];
        for (int j = 0; j < k; j++) {
            if (prototypes[j].length != dim) {
                throw new IllegalArgumentException(
                        "prototype " + j + " has " + prototypes[j].length + " values, expected " + dim);
            }
        }
        for (int i = 0; i < length; i++) {
            int base = i * dim;
            for (int j = 0; j < k; j++) {
                double[] p = prototypes[j];
                double s = 0;
                for (int d = 0; d < dim; d++) {
                    s += rows[base + d] * p[d];
                }
                out[i][j] = s;
            }
        }
        return out;
    }

    /** {@link #scores(double[][])} for prototypes given as a tensor [K, dim]. */
    public double[][] scores(Tensor prototypes) {
        return scores(Matrices.toMatrix(prototypes));
    }

    /**
     * A saved queue [savedLength, dim] that held {@code pushed} rows, as a queue of {@code length} rows filled to
     * the same fraction: for a job resumed under another number of workers, whose queues are longer or shorter
     * (each holds {@code swav.queue_length / workers} rows). A checkpoint keeps rank 0's queue only, so the rows
     * that fit are its rows, newest first, repeated when the new queue is longer; the rest stays zero (not pushed).
     * The new queue is full exactly when the saved one was, so it joins Sinkhorn at the step the planner expects.
     */
    public static EmbeddingQueue resized(Tensor saved, long pushed, int length) {
        if (saved.rank() != 2 || length <= 0) {
            throw new IllegalArgumentException("a saved queue [rows, dim] and a length > 0 are needed, got " + saved
                    + " and " + length);
        }
        int savedLength = saved.dim(0);
        int dim = saved.dim(1);
        int real = (int) Math.min(Math.max(pushed, 0), savedLength);
        long fill = real == savedLength ? length : Math.min(length, (long) real * length / savedLength);
        float[] values = new float[Math.multiplyExact(length, dim)];
        float[] from = saved.toArray();
        for (int i = 0; i < fill; i++) {
            System.arraycopy(from, (i % real) * dim, values, i * dim, dim);
        }
        return restore(Tensor.of(values, length, dim), fill);
    }

    /**
     * How many rows of a saved queue [rows, dim] were pushed: rows never pushed are zero and sit below the pushed
     * ones (embeddings are L2-normalised, never zero), so the pushed rows are the leading non-zero rows.
     */
    public static int pushedRows(Tensor saved) {
        int dim = saved.dim(1);
        int n = 0;
        while (n < saved.dim(0)) {
            boolean zero = true;
            for (int j = n * dim; j < (n + 1) * dim && zero; j++) zero = saved.get(j) == 0f;
            if (zero) break;
            n++;
        }
        return n;
    }

    /** A copy of the held rows [length, dim], newest first (zeros where nothing was pushed yet). */
    public Tensor contents() {
        return Tensor.of(rows.clone(), length, dim);
    }

    private void checkBatch(int batch) {
        if (batch <= 0 || batch > length) {
            throw new IllegalArgumentException(
                    "a pushed batch must have between 1 and " + length + " (the queue length) rows, got " + batch);
        }
    }

    private void shiftDown(int batch) {
        // arraycopy behaves as if through a temporary, so the overlapping move is safe.
        System.arraycopy(rows, 0, rows, batch * dim, (length - batch) * dim);
    }
}
