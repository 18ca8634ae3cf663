package org.seer4j.app.wiring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.seer4j.core.port.Checkpoint;
import org.seer4j.core.port.CheckpointStore;
import org.seer4j.core.service.CheckpointReader;
import org.seer4j.core.service.CheckpointStoreFactory;
import org.seer4j.core.tensor.TensorReader;
import org.seer4j.data.checkpoint.FileCheckpointStore;
import org.seer4j.data.safetensors.SafetensorsFile;

/**
 * Checkpoints on disk ({@link FileCheckpointStore} folders). A path given by a user may be one checkpoint folder
 * (or a file in it), a run's {@code checkpoints/} folder, a run folder (both: the latest checkpoint), or a bare
 * safetensors file of weights under interchange names (e.g. exported from torchvision).
 */
public final class Checkpoints implements CheckpointStoreFactory, CheckpointReader {
    private static final String MANIFEST = "checkpoint.json";

    @Override
    public CheckpointStore open(Path directory, int keep) {
        return new FileCheckpointStore(directory, keep);
    }

    @Override
    public Checkpoint read(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null && Files.isRegularFile(parent.resolve(MANIFEST))) {
                return folder(parent);
            }
            if (path.getFileName().toString().endsWith(".safetensors")) {
                SafetensorsFile f = new SafetensorsFile();
                return new Checkpoint(0, f.open(path), TensorReader.of(Map.of()), f.metadata(path));
            }
            throw new IOException(path + " is neither a checkpoint nor a .safetensors weights file");
        }
        if (!Files.isDirectory(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (Files.isRegularFile(path.resolve(MANIFEST))) {
            return folder(path);
        }
        Path store = Files.isDirectory(path.resolve("checkpoints")) ? path.resolve("checkpoints") : path;
        return new FileCheckpointStore(store, 1).latest()
                .orElseThrow(() -> new IOException("no checkpoint in " + store));
    }

    private static Checkpoint folder(Path folder) throws IOException {
        return new FileCheckpointStore(folder.toAbsolutePath().getParent(), 1).read(folder);
    }
}
