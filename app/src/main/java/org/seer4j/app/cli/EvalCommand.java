package org.seer4j.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.seer4j.app.UserException;
import org.seer4j.app.progress.ConsoleProgress;
import org.seer4j.app.report.EvalResult;
import org.seer4j.app.report.NeighbourGrid;
import org.seer4j.app.run.Finetuning;
import org.seer4j.app.run.JsonFiles;
import org.seer4j.app.run.RunFolder;
import org.seer4j.app.run.RunReports;
import org.seer4j.app.wiring.Injectors;
import org.seer4j.core.config.EvalConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.finetune.FinetuneConfig;
import org.seer4j.core.service.ProgressListener;
import org.seer4j.core.usecase.EvaluateUseCase;
import org.seer4j.core.usecase.EvaluateUseCase.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code seer4j eval}: how good frozen trunk features are, by linear probe and kNN. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate frozen trunk features: a linear probe (logistic regression on standardised "
                + "features) and a weighted kNN (cosine, k = eval.knn_k, T = eval.knn_temperature) on the test split.",
                "--random-init evaluates the untrained network of the same config: the baseline to compare with; with "
                        + "--checkpoint, of that run's config, written beside its results.",
                "In a run folder, eval writes eval.json (or eval-random-init.json) and neighbours.json, and draws "
                        + "report.html again with the results and the nearest-neighbour grid.",
                "--protocol finetune trains the whole trunk plus a linear classifier on --label-fraction of the labels "
                        + "(SGD with momentum, cosine schedule, random-resized crops and flips, BN in training mode), "
                        + "reports top-1 and top-5 on the test split next to the same protocol from random init, and "
                        + "writes the classifier (trunk + fc) as safetensors; rerun to resume (docs/finetune.md)."})
public final class EvalCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EvalCommand.class);
    @Option(names = "--checkpoint", paramLabel = "CKPT",
            description = "A checkpoint file, a run's checkpoints/ folder or the run folder (latest checkpoint).")
    Path checkpoint;

    @Mixin
    RunOptions config;

    @Option(names = "--data", paramLabel = "SPEC",
            description = "sample, a folder of IDX files, an IDX images file, or a labelled image folder.")
    String data;

    @Option(names = "--protocol", paramLabel = "linear|knn|both|finetune", description = "Default: eval.protocol.")
    String protocol;

    @Mixin
    FinetuneOptions finetune;

    @Option(names = "--random-init", description = "Evaluate the untrained network (the baseline).")
    boolean randomInit;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Accuracy JSON (default: eval.json or eval-random-init.json in the run folder).")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (checkpoint == null && !randomInit) {
            throw new UserException("give --checkpoint CKPT, --random-init, or both (the baseline of that run)");
        }
        if ("finetune".equals(protocol)) {
            return finetune();
        }
        if (finetune.any()) {
            throw new UserException("--label-fraction, --epochs, --lr and the other fine-tuning flags need "
                    + "--protocol finetune");
        }
        RunConfig run = configured(CheckpointConfig.resolve(config, checkpoint), data, protocol);
        Result r = Injectors.forRun(run, ProgressListener.NONE).getInstance(EvaluateUseCase.class)
                .evaluate(new EvaluateUseCase.Command(run, randomInit ? null : checkpoint, randomInit));
        PrintWriter out = spec.commandLine().getOut();
        print(out, randomInit ? "random init" : checkpoint.toString(), r, run.eval());
        Optional<Path> folder = checkpoint == null ? Optional.empty() : RunFolder.ofCheckpoint(checkpoint);
        Path file = output != null ? output
                : folder.map(p -> p.resolve(randomInit ? RunReports.EVAL_RANDOM_INIT : RunReports.EVAL)).orElse(null);
        if (file != null) {
            JsonFiles.write(file, EvalResult.of(run, randomInit ? null : checkpoint, randomInit, r));
            out.println("accuracy written to " + file);
        }
        if (folder.isPresent()) {
            try {
                if (!randomInit) JsonFiles.write(folder.get().resolve(RunReports.NEIGHBOURS), NeighbourGrid.of(r.neighbours()));
                if (RunReports.redraw(folder.get())) out.println("report: " + folder.get().resolve(RunFolder.REPORT));
            } catch (IOException e) {
                LOG.warn("could not redraw the report: {}", e.getMessage(), e);
            }
        }
        out.flush();
        return 0;
    }

    /** {@code --protocol finetune}: the pretrained trunk and (unless skipped) the random-init baseline. */
    private int finetune() {
        FinetuneConfig ft = finetune.config();
        RunConfig run = DataSpec.apply(CheckpointConfig.resolve(config, checkpoint), data, true);
        Path pretrained = randomInit ? null : checkpoint;
        Path dir = finetune.dir != null ? finetune.dir
                : (checkpoint == null ? Optional.<Path>empty() : RunFolder.ofCheckpoint(checkpoint))
                .orElse(Path.of("")).resolve("finetune-" + Finetuning.percent(ft.labelFraction()).replace("%", "pct"));
        PrintWriter out = spec.commandLine().getOut();
        new Finetuning(Injectors.forRun(run, Finetuning.progress(ConsoleProgress.standard(out), out)), out)
                .run(run, ft, pretrained, !finetune.noBaseline, dir, output);
        return 0;
    }

    static RunConfig configured(RunConfig run, String data, String protocol) {
        RunConfig c = DataSpec.apply(run, data, true);
        if (protocol == null) {
            return c;
        }
        EvalConfig e = c.eval();
        return new RunConfig(c.model(), c.views(), c.swav(), c.optim(), c.train(), c.data(), c.backend(),
                new EvalConfig(protocol, e.knnK(), e.knnTemperature(), e.linearEpochs(), e.testFraction()), c.output());
    }

    static void print(PrintWriter out, String what, Result r, EvalConfig eval) {
        out.printf(Locale.ROOT, "%s: %d training and %d test images%n", what, r.trainImages(), r.testImages());
        if (!Double.isNaN(r.linearTop1())) {
            out.printf(Locale.ROOT, "  linear probe top-1: %.2f%%%n", 100 * r.linearTop1());
        }
        if (!Double.isNaN(r.knnTop1())) {
            out.printf(Locale.ROOT, "  kNN (k=%d, T=%s) top-1: %.2f%%%n", eval.knnK(), eval.knnTemperature(),
                    100 * r.knnTop1());
        }
    }
}
