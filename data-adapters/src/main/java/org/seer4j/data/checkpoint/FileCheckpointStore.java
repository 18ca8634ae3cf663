package org.seer4j.data.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.seer4j.core.port.Checkpoint;
import org.seer4j.core.port.CheckpointStore;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;
import org.seer4j.data.io.AtomicFiles;
import org.seer4j.data.io.ChunkedChannels;
import org.seer4j.data.json.Json;
import org.seer4j.data.safetensors.SafetensorsFile;

/**
 * Checkpoints as folders {@code step-000000001234/} holding {@code weights.safetensors} (interchange names, the
 * metadata repeated in its header so the weights carry their provenance), {@code state.safetensors} (optimiser
 * state, queue) and {@code checkpoint.json} (step, metadata, SHA-256 of both tensor files).
 *
 * <p>A save writes everything into a hidden temporary folder, fsyncs it, then renames it into place, so a crash
 * leaves either the whole checkpoint or none. {@link #latest()} verifies the checksums and reads the newest
 * checkpoint; a damaged one is reported with a warning and the one before it is tried. Only the last
 * {@code keep} checkpoints are kept.
 *
 * <p>Checkpoints of any size move in bounded chunks: a save streams the model's tensor readers into the files, a
 * read checks the checksums by streaming and hands back readers of the files, which the model loads from chunk
 * by chunk.
 */
public final class FileCheckpointStore implements CheckpointStore {
    private static final Logger LOG = Logger.getLogger(FileCheckpointStore.class.getName());
    private static final Pattern NAME = Pattern.compile("step-(\\d{12})");
    static final String WEIGHTS = "weights.safetensors";
    static final String STATE = "state.safetensors";
    static final String MANIFEST = "checkpoint.json";

    private final Path dir;
    private final int keep;
    private final SafetensorsFile tensors;

    public FileCheckpointStore(Path dir, int keep) {
        this(dir, keep, new SafetensorsFile());
    }

    /** A store whose files move through {@code tensors}' chunks (tests use tiny ones). */
    FileCheckpointStore(Path dir, int keep, SafetensorsFile tensors) {
        this.tensors = tensors;
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1, got " + keep);
        }
        this.dir = dir;
        this.keep = keep;
    }

    public Path folder() {
        return dir;
    }

    /** The folder a checkpoint of {@code step} is saved in. */
    public Path pathOf(long step) {
        return dir.resolve(String.format("step-%012d", step));
    }

    @Override
    public void save(Checkpoint c) throws IOException {
        if (c.step() < 0) {
            throw new IllegalArgumentException("negative step " + c.step());
        }
        Files.createDirectories(dir);
        removeStaleTemporaries();
        Path tmp = Files.createTempDirectory(dir, ".saving-");
        try {
            tensors.write(tmp.resolve(WEIGHTS), ordered(c.weights()), c.metadata());
            tensors.write(tmp.resolve(STATE), ordered(c.trainingState()), Map.of());
            StringBuilder json = new StringBuilder("{\"step\":").append(c.step()).append(",\"sha256\":{");
            json.append(Json.quote(WEIGHTS)).append(':').append(Json.quote(ChunkedChannels.sha256(tmp.resolve(WEIGHTS)))).append(',');
            json.append(Json.quote(STATE)).append(':').append(Json.quote(ChunkedChannels.sha256(tmp.resolve(STATE)))).append("},");
            json.append("\"metadata\":").append(Json.objectOfStrings(new java.util.TreeMap<>(c.metadata()))).append("}\n");
            AtomicFiles.writeString(tmp.resolve(MANIFEST), json.toString());
            sync(tmp);
            Path target = pathOf(c.step());
            if (Files.exists(target)) {
                // saving the same step again: move the old one aside first, a folder rename cannot replace
                Path old = Files.createTempDirectory(dir, ".replaced-");
                Files.delete(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                move(tmp, target);
                deleteTree(old);
            } else {
                move(tmp, target);
            }
            sync(dir);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        prune();
    }

    /** Keeps the tensors in name order so files are reproducible whatever order the model lists them in. */
    private static TensorReader ordered(TensorReader r) {
        return r.ordered(r.tensors().stream().map(TensorInfo::name).sorted().toList());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    @Override
    public Optional<Checkpoint> latest() throws IOException {
        List<Long> steps = steps();
        List<String> problems = new ArrayList<>();
        for (int i = steps.size() - 1; i >= 0; i--) {
            Path p = pathOf(steps.get(i));
            try {
                Checkpoint c = read(p);
                if (!problems.isEmpty()) {
                    LOG.warning("resuming from " + p + " because newer checkpoints are damaged: " + problems);
                }
                return Optional.of(c);
            } catch (IOException | RuntimeException e) {
                String why = p.getFileName() + ": " + e.getMessage();
                problems.add(why);
                LOG.warning("checkpoint " + why + "; trying the one before");
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException("every checkpoint in " + dir + " is damaged: " + problems);
        }
        return Optional.empty();
    }

    /** Reads and verifies one checkpoint folder. */
    public Checkpoint read(Path folder) throws IOException {
        Path manifestFile = folder.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IOException("no " + MANIFEST + " (incomplete checkpoint)");
        }
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(manifestFile, StandardCharsets.UTF_8));
        } catch (Json.JsonException e) {
            throw new IOException(MANIFEST + " is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("step") instanceof Long step)
                || !(m.get("sha256") instanceof Map<?, ?> sums) || !(m.get("metadata") instanceof Map<?, ?> meta)) {
            throw new IOException(MANIFEST + " lacks step, sha256 or metadata");
        }
        for (String f : List.of(WEIGHTS, STATE)) {
            Path file = folder.resolve(f);
            if (!Files.isRegularFile(file)) {
                throw new IOException(f + " is missing");
            }
            String actual = ChunkedChannels.sha256(file);
            if (!actual.equals(sums.get(f))) {
                throw new IOException(f + " fails its checksum (expected " + sums.get(f) + ", got " + actual + ")");
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        meta.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
        return new Checkpoint(step, tensors.open(folder.resolve(WEIGHTS)), tensors.open(folder.resolve(STATE)),
                metadata);
    }

    /** Steps of the checkpoints present, ascending. */
    public List<Long> steps() throws IOException {
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) {
                    out.add(Long.parseLong(m.group(1)));
                }
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private void prune() throws IOException {
        List<Long> steps = steps();
        for (int i = 0; i < steps.size() - keep; i++) {
            deleteTree(pathOf(steps.get(i)));
        }
    }

    private void removeStaleTemporaries() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".{saving,replaced}-*")) {
            for (Path p : ds) {
                deleteTree(p);
            }
        }
    }

    private static void sync(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every file system can fsync a folder
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
