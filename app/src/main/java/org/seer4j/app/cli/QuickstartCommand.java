package org.seer4j.app.cli;

import com.google.inject.Injector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.seer4j.app.progress.ConsoleProgress;
import org.seer4j.app.run.JsonFiles;
import org.seer4j.app.run.Pretraining;
import org.seer4j.app.run.RunFolder;
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
                "Writes everything pretrain writes plus eval.json into the run folder."})
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
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pretrained", EvalCommand.json(run, dir, trained));
        json.put("random_init", EvalCommand.json(run, null, baseline));
        JsonFiles.write(dir.resolve("eval.json"), json);
        w.println("accuracy written to " + dir.resolve("eval.json"));
        w.flush();
        return 0;
    }
}
