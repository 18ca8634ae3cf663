package org.seer4j.core.service;

import java.util.Map;

/**
 * Metadata keys of a pretraining checkpoint: where the data stream stands (for resuming) and the provenance every
 * trained artefact carries. Values are strings, so they fit any store (safetensors metadata included).
 */
public final class CheckpointKeys {
    public static final String STEP = "step";
    public static final String TOTAL_STEPS = "total_steps";
    public static final String EPOCH = "epoch";
    /** Position in the epoch's image order just after the last image trained on. */
    public static final String POSITION = "data_position";
    public static final String SEED = "seed";
    public static final String ENGINE = "engine";
    public static final String ENGINE_VERSION = "engine_version";
    public static final String DATA = "data";
    public static final String CONFIG = "config";
    public static final String GIT_COMMIT = "git_commit";
    /** Prefix of the skipped-image counts by reason, summed over the whole run. */
    public static final String SKIPPED_PREFIX = "skipped.";

    private CheckpointKeys() {
    }

    static long number(Map<String, String> metadata, String key) {
        String v = metadata.get(key);
        if (v == null) {
            throw new IllegalStateException("checkpoint metadata lacks '" + key + "'; it was not written by pretrain");
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("checkpoint metadata '" + key + "' is not a number: " + v, e);
        }
    }
}
