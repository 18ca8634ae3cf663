package org.seer4j.core.port;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorReader;

/**
 * Driven port: named tensors in a file (safetensors), written atomically. Files of any size are read and written
 * in bounded chunks through {@link TensorReader}s; the map methods are for small files.
 */
public interface TensorFile {

    /**
     * The file's tensors (in file order) as a chunked reader; the header is read and checked now, values when
     * asked for.
     */
    TensorReader open(Path file) throws IOException;

    /** Writes the reader's tensors, in its order, chunk by chunk to a temporary file that is then renamed. */
    void write(Path file, TensorReader tensors, Map<String, String> metadata) throws IOException;

    /** Tensors in file order, whole on the heap. */
    default Map<String, Tensor> read(Path file) throws IOException {
        return open(file).toMap();
    }

    /** Writes to a temporary file and renames it, so a crash never leaves a half-written {@code file}. */
    default void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, TensorReader.of(tensors), metadata);
    }
}
