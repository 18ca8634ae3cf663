package org.seer4j.djl;

import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.seer4j.core.tensor.TensorChunks;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;

/**
 * Copies between engine tensors and chunked readers, one bounded chunk at a time with 64-bit offsets: a tensor of
 * SEER's size never passes through one Java array (weights fill straight into engine memory, checkpoints are
 * written from it).
 */
final class NativeChunks {
    /** Values per chunk when filling engine memory from a reader (tests shrink it to cross tensor boundaries). */
    static int chunkValues = TensorChunks.DEFAULT_CHUNK;

    private NativeChunks() {
    }

    /**
     * A reusable chunk buffer of {@link #chunkValues} values in native memory. One per transfer: a direct buffer
     * per chunk would only be freed by the garbage collector, and a model's worth of them could pile up first.
     */
    static ByteBuffer buffer() {
        return ByteBuffer.allocateDirect(chunkValues * 4).order(ByteOrder.nativeOrder());
    }

    /**
     * Values {@code [offset, offset + into.remaining())} of {@code array} (row-major) into {@code into}, as float32.
     * The slice is read through a direct view of its native memory, so a chunk leaves no garbage behind: a heap
     * copy per chunk (DJL's {@code toFloatArray} makes two) let the Java heap grow by hundreds of megabytes while a
     * multi-gigabyte checkpoint was written.
     */
    static void read(PtNDArray array, long offset, FloatBuffer into) {
        int count = into.remaining();
        Grad.withoutGradient(() -> {
            try (PtNDManager scratch = (PtNDManager) array.getManager().newSubManager()) {
                PtNDArray flat = JniUtils.reshape(array, new long[] {-1});
                flat.attach(scratch);
                PtNDArray slice = (PtNDArray) flat.get(new NDIndex(offset + ":" + (offset + count)));
                slice.attach(scratch);
                PtNDArray floats = slice.getDataType() == DataType.FLOAT32
                        ? slice : (PtNDArray) slice.toType(DataType.FLOAT32, false);
                floats.attach(scratch);
                // a view of the (contiguous: a range of a flat tensor) slice's own memory, valid while scratch is open
                into.put(floats.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer());
            }
        });
    }

    /**
     * Writes the first {@code count} float32 values of {@code bytes} (a direct buffer from {@link #buffer()}: torch
     * reads it in place, no copy) into {@code array} from flat index {@code offset} on, in place.
     */
    static void write(PtNDArray array, long offset, ByteBuffer bytes, int count) {
        Grad.withoutGradient(() -> {
            try (PtNDManager scratch = (PtNDManager) array.getManager().newSubManager()) {
                ByteBuffer head = bytes.duplicate().order(ByteOrder.nativeOrder());
                head.position(0).limit(count * 4);
                PtNDArray chunk = scratch.create(head.slice().order(ByteOrder.nativeOrder()), new Shape(count),
                        DataType.FLOAT32);
                PtNDArray flat = JniUtils.reshape(array, new long[] {-1});
                flat.attach(scratch);
                // the indexed assignment copies (and converts) into the tensor's own storage
                flat.set(new NDIndex(offset + ":" + (offset + count)), chunk);
            }
        });
    }

    /** Fills {@code array} with the reader's tensor {@code name}, chunk by chunk through one reused buffer. */
    static void fill(PtNDArray array, TensorReader reader, TensorInfo info, ByteBuffer buffer) {
        FloatBuffer floats = buffer.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
        TensorChunks.forEach(reader, info, floats, (offset, chunk) -> write(array, offset, buffer, chunk.remaining()));
    }

    /** A chunked view of named engine tensors, valid while they live unchanged. */
    static TensorReader view(List<TensorInfo> infos, java.util.function.Function<String, PtNDArray> lookup) {
        return new TensorReader() {
            @Override
            public List<TensorInfo> tensors() {
                return infos;
            }

            @Override
            public void read(String name, long offset, FloatBuffer into) {
                TensorInfo t = info(name).orElseThrow(() -> new IllegalArgumentException("no tensor named " + name));
                TensorReader.checkRange(t, offset, into.remaining());
                NativeChunks.read(lookup.apply(name), offset, into);
            }
        };
    }

    static TensorInfo info(String name, Shape shape) {
        return new TensorInfo(name, shape.getShape());
    }
}
