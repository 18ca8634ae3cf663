package org.seer4j.data.weights;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint that cannot be imported; the message names the file and what is wrong, in one line. */
public final class CheckpointFormatException extends IOException {
    public CheckpointFormatException(Path file, String what) {
        super(file + ": " + what);
    }
}
