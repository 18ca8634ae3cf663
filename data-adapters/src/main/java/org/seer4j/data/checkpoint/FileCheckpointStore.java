package org.seer4j.data.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.seer4j.core.port.Checkpoint;
import org.seer4j.core.port.CheckpointStore;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.io.AtomicFiles;
import org.seer4j.data.json.Json;
import org.seer4j.data.safetensors.SafetensorsFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints as folders {@code step-000000001234/} holding {@code weights.safetensors} (interchange names, the
 * metadata repeated in its header so the weights carry their provenance), {@code state.safetensors} (optimiser
 * state, queue) and {@code checkpoint.json} (step, metadata, SHA-256 of both tensor files).
 *
 * <p>A save writes everything into a hidden temporary folder, fsyncs it, then renames it into place, so a crash
 * leaves either the whole checkpoint or none. {@link #latest()} verifies the checksums and reads the newest
 * checkpoint; a damaged one is reported with a warning and the one before it is tried. Only the last
 * {@code keep} checkpoints are kept.
 */
public final class FileCheckpointStore implements CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileCheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("step-(\\d{12})");
    static final String WEIGHTS = "weights.safetensors";
    static final String STATE = "state.safetensors";
    static final String MANIFEST = "checkpoint.json";

    private final Path dir;
    private final int keep;
    private final SafetensorsFile tensors = new SafetensorsFile();

    public FileCheckpointStore(Path dir, int keep) {
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
            Map<String, String> sums = new LinkedHashMap<>();
            sums.put(WEIGHTS, sha256(tmp.resolve(WEIGHTS)));
            sums.put(STATE, sha256(tmp.resolve(STATE)));
            Manifest manifest = new Manifest(c.step(), sums, new java.util.TreeMap<>(c.metadata()));
            AtomicFiles.writeString(tmp.resolve(MANIFEST), Json.write(manifest) + "\n");
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

    /** Keeps the tensors in name order so files are reproducible whatever map the caller used. */
    private static Map<String, Tensor> ordered(Map<String, Tensor> m) {
        return new java.util.TreeMap<>(m);
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
                    LOG.warn("resuming from {} because newer checkpoints are damaged: {}", p, problems);
                }
                return Optional.of(c);
            } catch (IOException | RuntimeException e) {
                String why = p.getFileName() + ": " + e.getMessage();
                problems.add(why);
                LOG.warn("checkpoint {}; trying the one before", why);
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException("every checkpoint in " + dir + " is damaged: " + problems);
        }
        return Optional.empty();
    }

    /** manifest.json: the step, each file's SHA-256 and the checkpoint's metadata (keys sorted). */
    private record Manifest(long step, Map<String, String> sha256, Map<String, String> metadata) {
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
            String actual = sha256(file);
            if (!actual.equals(sums.get(f))) {
                throw new IOException(f + " fails its checksum (expected " + sums.get(f) + ", got " + actual + ")");
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        meta.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
        return new Checkpoint(step, tensors.read(folder.resolve(WEIGHTS)), tensors.read(folder.resolve(STATE)),
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

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
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
