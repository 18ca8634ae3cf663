package org.seer4j.app.run;

import com.google.inject.Injector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.seer4j.app.config.ConfigWriter;
import org.seer4j.app.report.FinetuneResult;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.finetune.FinetuneConfig;
import org.seer4j.core.service.CheckpointKeys;
import org.seer4j.core.service.Progress;
import org.seer4j.core.service.ProgressListener;
import org.seer4j.core.usecase.FinetuneUseCase;
import org.seer4j.core.usecase.FinetuneUseCase.Command;
import org.seer4j.core.usecase.FinetuneUseCase.Result;

/**
 * One {@code eval --protocol finetune}: fine-tunes the checkpoint's trunk in {@code DIR}, then (unless skipped) the
 * same network from its seeded random init in {@code DIR/random-init}, prints both and writes
 * {@code DIR/finetune.json}. Ctrl-C checkpoints the fine-tuning under way; rerunning the command resumes it.
 */
public final class Finetuning {
    public static final String RESULT = "finetune.json";
    public static final String BASELINE = "random-init";

    private final Injector injector;
    private final PrintWriter out;

    public Finetuning(Injector injector, PrintWriter out) {
        this.injector = injector;
        this.out = out;
    }

    /** @param checkpoint the pretrained weights; null runs only the random-init fine-tuning (in {@code dir}) */
    public FinetuneResult run(RunConfig config, FinetuneConfig ft, Path checkpoint, boolean baseline, Path dir,
                              Path output) {
        FinetuneUseCase service = injector.getInstance(FinetuneUseCase.class);
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put(CheckpointKeys.CONFIG, ConfigWriter.toYaml(config));
        RunFolder.gitCommit().ifPresent(c -> provenance.put(CheckpointKeys.GIT_COMMIT, c));
        StopOnSignal stop = new StopOnSignal(service::requestStop);
        try {
            out.printf(Locale.ROOT, "fine-tuning the whole trunk plus a linear classifier on %s of the labels, %d "
                            + "epochs, batch %d, lr %s (classifier %s) per %d images, cosine; folder %s%n",
                    percent(ft.labelFraction()), ft.epochs(), ft.batchSize(), ft.lr(), ft.headLr(),
                    FinetuneConfig.LR_BATCH, dir);
            out.flush();
            Result pretrained = null;
            Result random = null;
            if (checkpoint != null) {
                pretrained = service.finetune(new Command(config, ft, checkpoint, dir, provenance));
                print("pretrained " + checkpoint, pretrained);
            }
            if ((checkpoint == null || baseline) && (pretrained == null || !pretrained.stopped())) {
                random = service.finetune(new Command(config, ft, null,
                        checkpoint == null ? dir : dir.resolve(BASELINE), provenance));
                print("random init", random);
            }
            FinetuneResult result = new FinetuneResult(checkpoint == null ? null : checkpoint.toString(),
                    config.data().source() + (config.data().path() == null ? "" : " " + config.data().path()),
                    ft.describe(), FinetuneResult.Run.of(pretrained), FinetuneResult.Run.of(random));
            Path file = output != null ? output : dir.resolve(RESULT);
            JsonFiles.write(file, result);
            out.println("accuracy written to " + file);
            out.flush();
            return result;
        } finally {
            stop.close();
        }
    }

    private void print(String what, Result r) {
        out.printf(Locale.ROOT, "%s: %d labelled of %d training images, %d classes%n", what, r.labelledImages(),
                r.trainImages(), r.classes());
        if (r.stopped()) {
            out.printf(Locale.ROOT, "  stopped after %d of %d steps (checkpoint written): rerun the command to resume%n",
                    r.steps(), r.totalSteps());
        } else {
            out.printf(Locale.ROOT, "  fine-tuned top-1: %.2f%%, top-5: %.2f%% on %d test images (%d steps)%n",
                    100 * r.top1(), 100 * r.top5(), r.testImages(), r.steps());
            out.println("  classifier (trunk + fc): " + r.classifier());
        }
        out.flush();
    }

    /**
     * The console progress of a pretraining, but announcing a fine-tuning: its own first line, the rest (step lines,
     * checkpoints, the end) as pretraining shows them.
     */
    public static ProgressListener progress(ProgressListener console, PrintWriter out) {
        return new ProgressListener() {
            @Override
            public void started(long startStep, long totalSteps, String description) {
                out.println(startStep > 0 ? "resuming the fine-tuning at step " + startStep + " of " + totalSteps
                        : "fine-tuning for " + totalSteps + " steps on " + description);
                out.flush();
            }

            @Override
            public void stepped(Progress p) {
                console.stepped(p);
            }

            @Override
            public void checkpointed(long step) {
                console.checkpointed(step);
            }

            @Override
            public void finished(long step, boolean stopped) {
                console.finished(step, stopped);
            }
        };
    }

    /** 0.01 -> "1%", 0.1 -> "10%", 1.0 -> "100%". */
    public static String percent(double fraction) {
        double p = 100 * fraction;
        return (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)) + "%";
    }
}
