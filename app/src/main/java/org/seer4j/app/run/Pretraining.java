package org.seer4j.app.run;

import com.google.inject.Injector;
import com.google.inject.Key;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.seer4j.app.config.ConfigWriter;
import org.seer4j.app.report.ReportData;
import org.seer4j.app.report.ViewStrip;
import org.seer4j.app.log.Logging;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.distributed.WorkerEnvironment;
import org.seer4j.core.port.Engine;
import org.seer4j.core.service.CheckpointKeys;
import org.seer4j.core.service.PretrainService;
import org.seer4j.core.usecase.PretrainUseCase.Command;
import org.seer4j.core.usecase.PretrainUseCase.Summary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code pretrain} invocation: writes {@code config.yaml}, trains (resuming from the folder's checkpoints),
 * then {@code report.html}; the full log goes to {@code log.txt} (until the command ends). Ctrl-C asks the loop to stop; the shutdown hook waits until the checkpoint and the
 * report are written, so the JVM does not exit half-way.
 */
public final class Pretraining {
    private static final Logger LOG = LoggerFactory.getLogger(Pretraining.class);

    private final Injector injector;
    private final PrintWriter out;

    public Pretraining(Injector injector, PrintWriter out) {
        this.injector = injector;
        this.out = out;
    }

    public Summary run(RunConfig config, Path dir, String configName) {
        String yaml = ConfigWriter.toYaml(config);
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put(CheckpointKeys.CONFIG, yaml);
        RunFolder.gitCommit().ifPresent(c -> provenance.put(CheckpointKeys.GIT_COMMIT, c));
        // data-parallel workers share the run folder: only rank 0 writes its files (see docs/distributed.md)
        WorkerEnvironment worker = WorkerEnvironment.from(System.getenv());
        boolean writer = worker.rank() == 0;
        try {
            // every worker keeps its full log: log.txt, or logs/rank-N.log in a data-parallel job
            Path log = Logging.runLog(dir, worker.rank(), worker.worldSize());
            Files.createDirectories(log.getParent());
            Logging.startRunLog(log);
            if (writer) {
                ConfigWriter.write(config, dir.resolve(RunFolder.CONFIG));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into the run folder " + dir + ": " + e.getMessage(), e);
        }
        MetricsHistory history = injector.getExistingBinding(Key.get(RecordingMetrics.class)) != null
                ? injector.getInstance(RecordingMetrics.class).follow(dir) : MetricsHistory.continuing(dir);
        FirstViews views = injector.getExistingBinding(Key.get(FirstViews.class)) != null
                ? injector.getInstance(FirstViews.class) : null;
        if (views != null) views.reset();
        PretrainService service = injector.getInstance(PretrainService.class);
        Engine engine = injector.getInstance(Engine.class);
        StopOnSignal stop = new StopOnSignal(service::requestStop);
        long start = System.nanoTime();
        try {
            if (writer) {
                out.println("run folder: " + dir);
                out.flush();
            }
            Summary summary = service.pretrain(new Command(config, dir, provenance));
            double wall = (System.nanoTime() - start) / 1e9;
            if (config.output().report() && writer) {
                writeReport(config, dir, configName, summary, wall, engine, provenance, yaml, history,
                        views == null ? null : views.strip());
            }
            String result = String.format(Locale.ROOT, "%s after %d steps, final loss %.4f, %.1f images/s; %s",
                    summary.stopped() ? "stopped" : "finished", summary.steps(), summary.finalLoss(),
                    summary.imagesPerSecond(), config.output().report() ? "report: " + dir.resolve(RunFolder.REPORT)
                            : "run folder: " + dir);
            LoggerFactory.getLogger(Logging.progressLogger()).info(result);
            if (writer) {
                // the job's summary is rank 0's (every rank reports the global loss); the others' stays in their log
                out.println(result);
                out.flush();
            }
            return summary;
        } finally {
            stop.close();
        }
    }

    private void writeReport(RunConfig config, Path dir, String configName, Summary summary, double wallSeconds,
                             Engine engine, Map<String, String> provenance, String yaml, MetricsHistory history,
                             ViewStrip strip) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("run folder", dir.toString());
        facts.put("state", summary.stopped() ? "stopped early (rerun to resume)" : "finished");
        facts.put("steps", Long.toString(summary.steps()));
        facts.put("final loss", String.format(Locale.ROOT, "%.4f", summary.finalLoss()));
        facts.put("throughput (this invocation)", String.format(Locale.ROOT, "%.1f images/s", summary.imagesPerSecond()));
        facts.put("wall time (this invocation)", Duration.ofMillis(Math.round(wallSeconds * 1000)).toString()
                .substring(2).toLowerCase(Locale.ROOT));
        facts.put("last checkpoint", "step " + summary.lastCheckpoint());
        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("engine", engine.name() + " " + engine.version());
        prov.put("backend", config.backend().device() + ", threads " + config.backend().threads());
        prov.put("seed", Long.toString(config.train().seed()));
        prov.put("data", config.data().source() + (config.data().path() == null ? "" : " " + config.data().path()));
        prov.put("git commit", provenance.getOrDefault(CheckpointKeys.GIT_COMMIT, "unknown"));
        prov.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        prov.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores");
        try {
            RunReports.write(dir, new ReportData("seer4j pretraining: " + configName, facts, prov, yaml, strip),
                    history.records());
        } catch (IOException e) {
            LOG.warn("could not write the report: {}", e.getMessage(), e);
        }
    }
}
