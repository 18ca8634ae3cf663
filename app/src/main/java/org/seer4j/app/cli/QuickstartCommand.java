package org.seer4j.app.cli;

import com.google.inject.Injector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.seer4j.app.progress.ConsoleProgress;
import org.seer4j.app.report.EvalResult;
import org.seer4j.app.report.NeighbourGrid;
import org.seer4j.app.run.JsonFiles;
import org.seer4j.app.run.Pretraining;
import org.seer4j.app.run.RunFolder;
import org.seer4j.app.run.RunReports;
import org.seer4j.app.wiring.DataSources;
import org.seer4j.app.wiring.Injectors;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.usecase.EvaluateUseCase;
import org.seer4j.core.usecase.EvaluateUseCase.Result;
import org.seer4j.core.usecase.PretrainUseCase.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code seer4j quickstart}: pretrain as configured, then evaluate the result against its random-init baseline. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Pretrain (default configs/quickstart.yaml: a small RegNetY on the bundled Fashion-MNIST "
                + "sample), then evaluate the trained trunk and the same trunk untrained by linear probe and kNN.",
                "Writes everything pretrain writes plus eval.json, eval-random-init.json and neighbours.json into the run "
                        + "folder, and adds the evaluation to report.html."})
public final class QuickstartCommand implements Callable<Integer> {
    static final Path DEFAULT_CONFIG = Path.of("configs", "quickstart.yaml");

    @Mixin
    RunOptions config;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run folder (default: output.dir, else runs/<time>-<config name>).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!config.hasFile()) {
            config.file = DEFAULT_CONFIG;
        }
        RunConfig run = config.loadForTraining(DataSources::imagesPerEpoch);
        Path dir = RunFolder.choose(out, run, config.name(), LocalDateTime.now());
        PrintWriter w = spec.commandLine().getOut();
        Injector injector = Injectors.forRun(run, ConsoleProgress.standard(w));
        Summary s = new Pretraining(injector, w).run(run, dir, config.name());
        if (s.stopped()) {
            return 130;
        }
        EvaluateUseCase eval = injector.getInstance(EvaluateUseCase.class);
        w.println("evaluating the pretrained trunk and the untrained baseline...");
        w.flush();
        Result trained = eval.evaluate(new EvaluateUseCase.Command(run, dir, false));
        Result baseline = eval.evaluate(new EvaluateUseCase.Command(run, null, true));
        EvalCommand.print(w, "pretrained (" + s.steps() + " steps)", trained, run.eval());
        EvalCommand.print(w, "random init (baseline)", baseline, run.eval());
        w.printf(Locale.ROOT, "linear probe: %+.2f points over the baseline; kNN: %+.2f points%n",
                100 * (trained.linearTop1() - baseline.linearTop1()), 100 * (trained.knnTop1() - baseline.knnTop1()));
        JsonFiles.write(dir.resolve(RunReports.EVAL), EvalResult.of(run, dir, false, trained));
        JsonFiles.write(dir.resolve(RunReports.EVAL_RANDOM_INIT), EvalResult.of(run, null, true, baseline));
        JsonFiles.write(dir.resolve(RunReports.NEIGHBOURS), NeighbourGrid.of(trained.neighbours()));
        w.println("accuracy written to " + dir.resolve(RunReports.EVAL) + " and " + dir.resolve(RunReports.EVAL_RANDOM_INIT));
        try {
            if (RunReports.redraw(dir)) w.println("report: " + dir.resolve(RunFolder.REPORT));
        } catch (IOException e) {
            w.println("seer4j: could not redraw the report: " + e.getMessage());
        }
        w.flush();
        return 0;
    }
}
