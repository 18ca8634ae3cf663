package org.seer4j.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.seer4j.app.UserException;
import org.seer4j.app.compare.ResidentMemory;
import org.seer4j.app.engine.Engines;
import org.seer4j.app.report.CompareReport;
import org.seer4j.app.wiring.DataSources;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.service.CompareService;
import org.seer4j.core.service.Ticker;
import org.seer4j.core.usecase.CompareUseCase.Command;
import org.seer4j.core.usecase.CompareUseCase.EngineRun;
import org.seer4j.core.usecase.CompareUseCase.Result;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code seer4j compare}: a backend comparison study, every engine from the same weights on the same batches. */
@CommandLine.Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Trains the configured model for a few steps on each backend, from the same seeded weights "
                + "on the same batches, and compares losses, weights, throughput and memory.",
                "Writes compare.json and compare.html into the output folder. Exits 0 when the per-step losses agree "
                        + "within the tolerance, 1 when they do not, 2 on bad input."})
public final class CompareCommand implements Callable<Integer> {
    @Mixin
    RunOptions config;

    @Option(names = "--backends", paramLabel = "NAMES", split = ",", required = true,
            description = "Backends to compare, comma-separated, the first one the reference, e.g. djl,tensorflow.")
    List<String> backends;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "5",
            description = "Training steps on each backend (default: ${DEFAULT-VALUE}; float32 rounding makes "
                    + "any two runs drift apart after a few more, see docs/compare.md).")
    int steps;

    @Option(names = "--tolerance", paramLabel = "REL", defaultValue = "1e-3",
            description = "Relative per-step loss tolerance of the verdict (default: ${DEFAULT-VALUE}; see "
                    + "docs/compare.md).")
    double tolerance;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: runs/<time>-compare-<config name>).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (backends.size() < 2) {
            throw new UserException("--backends needs at least 2 backends to compare, got " + backends);
        }
        if (steps < 1) {
            throw new UserException("--steps must be at least 1, got " + steps);
        }
        for (String name : backends) {
            Engines.module(name); // an unknown name fails here, before any data is read
        }
        RunConfig run = config.load();
        Path dir = out != null ? out : Path.of("runs", LocalDateTime.now()
                .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-compare-" + config.name());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the output folder " + dir + ": " + e.getMessage(), e);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "comparing %s for %d steps of %d images%n", String.join(", ", backends), steps,
                run.train().batchSize());
        w.flush();
        CompareService service = new CompareService(Engines::byName, new DataSources(), Ticker.SYSTEM,
                new ResidentMemory());
        Result result = service.compare(new Command(run, backends, steps, tolerance));
        CompareReport.write(dir, result, config.name(), run.train().batchSize(), ResidentMemory.describe());
        for (EngineRun e : result.runs()) {
            w.printf(Locale.ROOT, "%-12s final loss %.6f, %.1f images/s, memory +%.1f MiB%n", e.backend(),
                    e.losses()[e.losses().length - 1], e.imagesPerSecond(), e.memoryBytes() / 1048576.0);
        }
        w.printf(Locale.ROOT, "%s; max relative weight difference %.3g%nreport: %s%n",
                result.conformant() ? "conformant" : "NOT conformant", result.maxRelativeWeightDifference(),
                dir.resolve(CompareReport.HTML));
        w.flush();
        return result.conformant() ? 0 : 1;
    }
}
