package org.seer4j.app.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.seer4j.data.io.AtomicFiles;
import org.seer4j.data.json.Json;

/** JSON files people and scripts read (eval.json, compare.json): indented, through Jackson, written atomically. */
public final class JsonFiles {
    private JsonFiles() {
    }

    /** Writes {@code value} (a record, a map ...) with the project's Jackson settings. */
    public static void write(Path file, Object value) {
        try {
            AtomicFiles.writeString(file, Json.writePretty(value) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
