package org.seer4j.data.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that cannot be read as such; the message names the file and what is wrong. */
public final class SafetensorsException extends IOException {
    public SafetensorsException(Path file, String what) {
        super(file + " is not a valid safetensors file: " + what);
    }
}
