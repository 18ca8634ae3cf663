package org.seer4j.core.service;

import java.nio.file.Path;
import org.seer4j.core.port.CheckpointStore;

/** Opens the checkpoint store of a run folder, keeping the {@code keep} most recent checkpoints. */
@FunctionalInterface
public interface CheckpointStoreFactory {
    CheckpointStore open(Path directory, int keep);
}
