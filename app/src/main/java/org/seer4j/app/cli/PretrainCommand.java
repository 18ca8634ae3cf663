package org.seer4j.app.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.concurrent.Callable;
import org.seer4j.app.progress.ConsoleProgress;
import org.seer4j.app.run.Pretraining;
import org.seer4j.app.run.RunFolder;
import org.seer4j.app.wiring.DataSources;
import org.seer4j.app.wiring.Injectors;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.usecase.PretrainUseCase.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code seer4j pretrain}: SwAV pretraining as configured, resumable, stoppable with Ctrl-C. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"SwAV pretraining of a RegNet on unlabelled images, as configured.",
                "Writes config.yaml, metrics.jsonl, checkpoints/ and report.html into the run folder. Rerunning "
                        + "with the same --out resumes from its latest checkpoint; Ctrl-C stops after writing one."})
public final class PretrainCommand implements Callable<Integer> {
    @Mixin
    RunOptions config;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run folder (default: output.dir, else runs/<time>-<config name>).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunConfig run = config.loadForTraining(DataSources::imagesPerEpoch);
        Path dir = RunFolder.choose(out, run, config.name(), LocalDateTime.now());
        Summary s = new Pretraining(Injectors.forRun(run, ConsoleProgress.standard(spec.commandLine().getOut())), spec.commandLine().getOut())
                .run(run, dir, config.name());
        return s.stopped() ? 130 : 0;
    }
}
