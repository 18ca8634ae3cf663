package org.seer4j.core.service;

import java.io.IOException;
import java.nio.file.Path;
import org.seer4j.core.port.Checkpoint;

/**
 * Reads the checkpoint a user points at: a checkpoint file, a run's {@code checkpoints/} folder or the run folder
 * itself (the latest checkpoint in it).
 */
@FunctionalInterface
public interface CheckpointReader {
    Checkpoint read(Path path) throws IOException;
}
