package org.seer4j.app.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.seer4j.app.UserException;
import org.seer4j.app.run.RunFolder;
import org.seer4j.core.config.RunConfig;

/**
 * The configuration a checkpoint is evaluated or embedded with: {@code --config} when given, else the
 * {@code config.yaml} of the run folder the checkpoint belongs to, else the defaults; {@code --set} on top.
 */
final class CheckpointConfig {
    private CheckpointConfig() {
    }

    static RunConfig resolve(RunOptions options, Path checkpoint) {
        if (options.hasFile() || checkpoint == null) {
            return options.load();
        }
        if (!Files.exists(checkpoint)) {
            throw new UserException("--checkpoint: no such file or folder: " + checkpoint);
        }
        Optional<Path> run = RunFolder.ofCheckpoint(checkpoint);
        if (run.isEmpty()) {
            return options.load();
        }
        Path file = run.get().resolve(RunFolder.CONFIG);
        try {
            return options.load(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
