package org.seer4j.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.seer4j.app.wiring.Injectors;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.service.ProgressListener;
import org.seer4j.core.usecase.EmbedUseCase;
import org.seer4j.core.usecase.EmbedUseCase.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code seer4j embed}: pooled trunk features of every image, to safetensors or CSV. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Pooled trunk features for every image of the data, written to FILE (.safetensors: "
                + "features [N, C], labels [N], ids in the metadata; .csv: id,label,f0,...).")
public final class EmbedCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", paramLabel = "CKPT", required = true,
            description = "A checkpoint file, a run's checkpoints/ folder or the run folder (latest checkpoint).")
    Path checkpoint;

    @Mixin
    RunOptions config;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Images to embed: a folder, sample, or IDX files (default: the config's data).")
    String data;

    @Option(names = "--output", paramLabel = "FILE", required = true, description = "*.safetensors or *.csv")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunConfig run = DataSpec.apply(CheckpointConfig.resolve(config, checkpoint), data, false);
        Result r = Injectors.forRun(run, ProgressListener.NONE).getInstance(EmbedUseCase.class)
                .embed(new EmbedUseCase.Command(run, checkpoint, output));
        spec.commandLine().getOut().printf("embedded %d images (%d features each, %d skipped) into %s%n",
                r.embedded(), r.featureWidth(), r.skipped(), output);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
