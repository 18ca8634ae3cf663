package org.seer4j.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.seer4j.app.UserException;
import org.seer4j.app.engine.Engines;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.Features;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.safetensors.SafetensorsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code seer4j forward}: eval-mode trunk features (and logits) of a batch of images from a weights file. */
@Command(name = "forward", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a RegNet trunk in eval mode on the tensor 'input' [N,3,H,W] of a safetensors file.",
                "Writes 'pooled' [N,C] and, when the weights carry fc.*, 'logits' [N,classes]."})
public final class ForwardCommand implements Callable<Integer> {
    @Option(names = "--backend", defaultValue = "djl", description = "engine: djl or tensorflow (default djl)")
    String backend;
    @Mixin
    ArchitectureOptions architecture;
    @Option(names = "--weights", required = true, paramLabel = "W.safetensors", description = "interchange-named safetensors, or a torch.save file seer4j import reads")
    Path weights;
    @Option(names = "--input", required = true, paramLabel = "IN.safetensors", description = "holds 'input' [N,3,H,W]")
    Path input;
    @Option(names = "--output", required = true, paramLabel = "OUT.safetensors", description = "written atomically")
    Path output;
    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu")
    String device;
    @Option(names = "--threads", defaultValue = "0", description = "intra-op threads (0: engine default)")
    int threads;

    @Override
    public Integer call() throws IOException {
        architecture.check(); // a bad --arch fails before any file is read
        SafetensorsFile files = new SafetensorsFile();
        Map<String, Tensor> w = new LinkedHashMap<>(WeightsFiles.read(weights, "--weights"));
        // a SwAV checkpoint's head and prototypes play no part in trunk features
        w.keySet().removeIf(k -> k.startsWith("head.") || k.equals("prototypes.weight"));
        Tensor images = read(files, input, "--input").get("input");
        if (images == null) throw new UserException(input + " has no tensor named 'input'");
        if (images.rank() != 4 || images.dim(1) != 3) {
            throw new UserException("'input' must be [N, 3, H, W], got " + java.util.Arrays.toString(images.shape()));
        }
        ModelDefinition model = architecture.trunk(w);
        String arch = architecture.name(model);
        Engine engine = Engines.byName(backend);
        try (SwavModel m = engine.open(model, new EngineSettings(device, threads, 0, null, null, null, 1,
                Collective.SINGLE))) {
            TreeSet<String> missing = new TreeSet<>(m.weights().keySet());
            missing.removeAll(w.keySet());
            if (!missing.isEmpty()) {
                throw new UserException(weights + " lacks " + missing.size() + " tensors of " + arch + ", e.g. '"
                        + missing.first() + "' (wrong --arch or --rounding?)");
            }
            try {
                m.loadWeights(w);
            } catch (IllegalArgumentException e) {
                throw new UserException(weights + ": " + e.getMessage() + " (wrong --arch or --rounding?)");
            }
            Features f = m.infer(images);
            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put("pooled", f.pooled());
            if (f.hasLogits()) out.put("logits", f.logits());
            files.write(output, out, Map.of("arch", arch, "engine", engine.name() + " " + engine.version()));
        }
        return 0;
    }

    static Map<String, Tensor> read(SafetensorsFile files, Path file, String option) {
        if (!java.nio.file.Files.isRegularFile(file)) throw new UserException(option + " " + file + ": no such file");
        try {
            return files.read(file);
        } catch (IOException | RuntimeException e) {
            throw new UserException(option + " " + file + ": " + e.getMessage(), e);
        }
    }
}
