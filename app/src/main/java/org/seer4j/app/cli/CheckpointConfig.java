package org.seer4j.app.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.seer4j.app.UserException;
import org.seer4j.app.run.RunFolder;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.regnet.RegNetStages;

/**
 * The configuration a checkpoint is evaluated or embedded with: {@code --config} when given, else the
 * {@code config.yaml} of the run folder the checkpoint belongs to, else the defaults with the network the weights
 * describe (a released checkpoint or a bare weights file: its trunk as stage lists, its SwAV head and prototypes
 * when it has them) unless {@code --set model...} says otherwise; {@code --set} on top.
 */
final class CheckpointConfig {
    private CheckpointConfig() {
    }

    static RunConfig resolve(RunOptions options, Path checkpoint) {
        if (options.hasFile() || checkpoint == null) {
            return options.load();
        }
        if (!Files.exists(checkpoint)) {
            throw new UserException("--checkpoint: no such file or folder: " + checkpoint);
        }
        Optional<Path> run = RunFolder.ofCheckpoint(checkpoint);
        if (run.isEmpty()) {
            return Files.isRegularFile(checkpoint) && options.overrides.stream().noneMatch(o -> o.startsWith("model"))
                    ? fromWeights(options, checkpoint) : options.load();
        }
        Path file = run.get().resolve(RunFolder.CONFIG);
        try {
            return options.load(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The defaults with {@code model} (and {@code swav.prototypes}) from the weights' shapes. */
    private static RunConfig fromWeights(RunOptions options, Path weights) {
        ModelDefinition m = WeightsFiles.designOf(weights);
        RegNetStages st = m.trunk().toStages();
        StringBuilder model = new StringBuilder("model={arch: stages, stages: {widths: ").append(st.widths())
                .append(", depths: ").append(st.depths()).append(", group_widths: ").append(st.groupWidths())
                .append(", bottleneck: ").append(st.bottleneckRatio()).append(", se_ratio: ").append(st.seRatio())
                .append(", stem_width: ").append(st.stemWidth()).append('}');
        if (m.head() != null) {
            model.append(", head_dims: ").append(m.head().dims()).append(", head_batch_norm: ").append(m.head().batchNorm());
        }
        List<String> inferred = new ArrayList<>(List.of(model.append('}').toString()));
        if (m.prototypes() > 0) inferred.add("swav.prototypes=" + m.prototypes());
        options.overrides.addAll(0, inferred);
        return options.load();
    }
}
