package org.seer4j.tensorflow;

/**
 * How TF's ring all-reduce ({@code CollectiveReduce}'s {@code subdiv_offsets}) cuts a tensor: into groupSize x
 * subdivisions chunks, each sent as one RecvBuf call, all in flight at once. Left to TF (no offsets), a worker
 * with one CPU device sends few, huge chunks, each serialised, copied and parsed whole, and the time grows faster
 * than the size (measured here, 2 workers, 50M floats: 9.8 s that way, 0.77 s in 4 MB chunks, same load). Chunks
 * of about {@link #CHUNK_BYTES} keep the messages small and let sending, receiving and adding overlap. With one
 * device per worker every offset gives the same ring, so the offsets are zeros; only their number matters.
 *
 * <p>Used by the host collective ({@link TfCollective}). The training graph's reductions ({@link GraphCollective})
 * keep TF's choice: with explicit offsets, the in-graph group all-reduce of 4 processes and its gradient hung in
 * {@code TfCollectiveProcessTest} (not understood; they are small tensors anyway).
 */
final class RingSubdivisions {
    /** The chunk size aimed at, also the largest protobuf string of a received chunk (recv_buf_max_chunk). */
    static final int CHUNK_BYTES = 4 << 20;
    /** More subdivisions bring nothing measurable and each costs a concurrent RPC. */
    static final int MAX = 64;

    private RingSubdivisions() {
    }

    /** The subdivision offsets for a tensor of {@code bytes} reduced by {@code groupSize} workers. */
    static long[] offsets(long bytes, long groupSize) {
        long perChunk = (long) CHUNK_BYTES * groupSize;
        long n = (bytes + perChunk - 1) / perChunk;
        return new long[(int) Math.max(1, Math.min(MAX, n))];
    }
}
