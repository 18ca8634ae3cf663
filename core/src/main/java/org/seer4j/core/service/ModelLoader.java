package org.seer4j.core.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.model.Models;
import org.seer4j.core.port.Checkpoint;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.SwavModel;

/** Opens the configured network on the engine, with a checkpoint's weights or, for baselines, its seeded init. */
final class ModelLoader {
    private final Engine engine;
    private final CheckpointReader checkpoints;

    ModelLoader(Engine engine, CheckpointReader checkpoints) {
        this.engine = engine;
        this.checkpoints = checkpoints;
    }

    SwavModel open(RunConfig config, Path checkpoint, boolean randomInit) {
        if (checkpoint == null && !randomInit) {
            throw new IllegalArgumentException("give a checkpoint to evaluate, or ask for the random-init baseline");
        }
        if (checkpoint != null && randomInit) {
            throw new IllegalArgumentException("a checkpoint and the random-init baseline exclude each other");
        }
        Checkpoint c = null;
        if (checkpoint != null) {
            try {
                c = checkpoints.read(checkpoint);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the checkpoint " + checkpoint + ": " + e.getMessage(), e);
            }
        }
        if (c == null) return engine.open(Models.definition(config), PretrainService.settings(config));
        try {
            // built from the checkpoint's files chunk by chunk, never from the seeded weights first
            return engine.open(Models.definition(config), PretrainService.settings(config), c.weights());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the checkpoint " + checkpoint + " does not fit the configured "
                    + "model (" + config.model().arch() + "): " + e.getMessage(), e);
        }
    }

    static EvalImages images(RunConfig config) {
        return new EvalImages(config.views().crops().get(0).size(), config.views().augmentation());
    }
}
