package org.seer4j.core.port;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.seer4j.core.tensor.Tensor;

/** Driven port: named tensors in a file (safetensors), read whole and written atomically. */
public interface TensorFile {

    /** Tensors in file order. */
    Map<String, Tensor> read(Path file) throws IOException;

    /** Writes to a temporary file and renames it, so a crash never leaves a half-written {@code file}. */
    void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException;
}
