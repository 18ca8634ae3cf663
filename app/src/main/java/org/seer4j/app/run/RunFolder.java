package org.seer4j.app.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.seer4j.core.config.RunConfig;

/** Where a run's files go, and the facts about the code that made them. */
public final class RunFolder {
    public static final String CONFIG = "config.yaml";
    public static final String METRICS = "metrics.jsonl";
    public static final String REPORT = "report.html";

    private RunFolder() {
    }

    /** {@code --out}, else {@code output.dir}, else {@code runs/<yyyyMMdd-HHmmss>-<config name>}. */
    public static Path choose(Path out, RunConfig config, String configName, LocalDateTime now) {
        if (out != null) {
            return out;
        }
        if (config.output().dir() != null) {
            return Path.of(config.output().dir());
        }
        return Path.of("runs", now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + configName);
    }

    /**
     * The run folder a checkpoint path belongs to: the path itself when it holds a {@code config.yaml}, else the
     * nearest parent that does (a checkpoint file sits in {@code <run>/checkpoints/}).
     */
    public static Optional<Path> ofCheckpoint(Path checkpoint) {
        Path p = checkpoint.toAbsolutePath().normalize();
        for (int up = 0; up < 3 && p != null; up++, p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(CONFIG))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The commit of the working directory's git checkout, if git is there and answers quickly. */
    public static Optional<String> gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
