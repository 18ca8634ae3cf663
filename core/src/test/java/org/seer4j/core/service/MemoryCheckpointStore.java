package org.seer4j.core.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.seer4j.core.port.Checkpoint;
import org.seer4j.core.port.CheckpointStore;

/** Keeps a copy of every checkpoint in memory, in the order saved. */
final class MemoryCheckpointStore implements CheckpointStore {
    final List<Checkpoint> saved = new ArrayList<>();

    @Override
    public void save(Checkpoint c) {
        // the readers are views of the model, which goes on training: keep a copy, as a file would
        saved.add(new Checkpoint(c.step(), c.weights().toMap(), c.trainingState().toMap(), c.metadata()));
    }

    @Override
    public Optional<Checkpoint> latest() {
        return saved.isEmpty() ? Optional.empty() : Optional.of(saved.get(saved.size() - 1));
    }

    List<Long> steps() {
        return saved.stream().map(Checkpoint::step).toList();
    }
}
