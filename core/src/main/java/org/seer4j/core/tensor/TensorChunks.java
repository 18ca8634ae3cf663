package org.seer4j.core.tensor;

import java.nio.FloatBuffer;

/** Walking a tensor of a {@link TensorReader} chunk by chunk through one reusable buffer. */
public final class TensorChunks {
    /** 2^20 floats (4 MiB): large enough that per-chunk overheads vanish, small beside any model. */
    public static final int DEFAULT_CHUNK = 1 << 20;

    private TensorChunks() {
    }

    /** What is done with each chunk; it may throw the caller's checked exception (e.g. an IOException). */
    @FunctionalInterface
    public interface Consumer<E extends Exception> {
        /** {@code chunk} holds values {@code [offset, offset + chunk.remaining())}; it is reused afterwards. */
        void accept(long offset, FloatBuffer chunk) throws E;
    }

    /** Reads {@code tensor} in chunks of at most {@code buffer.capacity()} values and hands each over in order. */
    public static <E extends Exception> void forEach(TensorReader reader, TensorInfo tensor, FloatBuffer buffer,
                                                     Consumer<E> consumer) throws E {
        if (buffer.capacity() == 0) throw new IllegalArgumentException("a chunk buffer needs room for a value");
        long size = tensor.size();
        for (long done = 0; done < size; ) {
            int count = (int) Math.min(buffer.capacity(), size - done);
            buffer.clear().limit(count);
            reader.read(tensor.name(), done, buffer);
            buffer.flip();
            consumer.accept(done, buffer);
            done += count;
        }
    }
}
