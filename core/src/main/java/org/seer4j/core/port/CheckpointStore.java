package org.seer4j.core.port;

import java.io.IOException;
import java.util.Optional;

/** Driven port: where checkpoints are kept; writes are atomic and a damaged latest falls back to the one before. */
public interface CheckpointStore {

    void save(Checkpoint checkpoint) throws IOException;

    Optional<Checkpoint> latest() throws IOException;
}
