package org.seer4j.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.seer4j.app.UserException;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.safetensors.SafetensorsFile;
import org.seer4j.tensorflow.SavedModelExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code seer4j export}: a trained trunk in a format other stacks serve. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a RegNet trunk from interchange-named weights for serving.",
                "savedmodel: a TensorFlow SavedModel, tag 'serve', signature 'serving_default':",
                "'images' [N,3,H,W] float -> 'features' [N,C] (eval-mode pooled last stage), plus 'logits' when the",
                "weights carry fc.*. Head and prototype tensors in the weights are ignored."})
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--format", required = true, paramLabel = "savedmodel", description = "savedmodel")
    String format;
    @Mixin
    ArchitectureOptions architecture;
    @Option(names = "--weights", required = true, paramLabel = "W.safetensors", description = "interchange-named safetensors, or a torch.save file seer4j import reads")
    Path weights;
    @Option(names = "--output", required = true, paramLabel = "DIR", description = "new folder, written atomically")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!"savedmodel".equals(format.trim().toLowerCase(Locale.ROOT))) {
            throw new UserException("--format must be savedmodel, got '" + format + "'");
        }
        architecture.check(); // a bad --arch fails before any file is read
        Map<String, Tensor> w = WeightsFiles.read(weights, "--weights");
        ModelDefinition model = architecture.trunk(w);
        try {
            SavedModelExport.export(model, w, output);
        } catch (IllegalArgumentException e) {
            throw new UserException(weights + ": " + e.getMessage() + " (wrong --arch or --rounding?)");
        } catch (IOException e) {
            throw new UserException("--output " + output + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println("wrote SavedModel " + output + " (" + architecture.name(model) + ", "
                + (model.classes() > 0 ? model.classes() + " classes" : "features only") + ")");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
