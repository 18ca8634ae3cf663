package org.seer4j.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
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
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPresets;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.safetensors.SafetensorsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code seer4j forward}: eval-mode trunk features (and logits) of a batch of images from a weights file. */
@Command(name = "forward", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a RegNet trunk in eval mode on the tensor 'input' [N,3,H,W] of a safetensors file.",
                "Writes 'pooled' [N,C] and, when the weights carry fc.*, 'logits' [N,classes]."})
public final class ForwardCommand implements Callable<Integer> {
    @Option(names = "--backend", defaultValue = "djl", description = "engine (default djl)")
    String backend;
    @Option(names = "--arch", required = true, paramLabel = "NAME",
            description = "RegNet preset (e.g. regnet_y_400mf), or custom with --depth --w0 --wa --wm --group-width")
    String arch;
    @Option(names = "--depth", paramLabel = "D", description = "custom: number of blocks")
    Integer depth;
    @Option(names = "--w0", paramLabel = "W0", description = "custom: initial width")
    Integer w0;
    @Option(names = "--wa", paramLabel = "WA", description = "custom: width slope")
    Double wa;
    @Option(names = "--wm", paramLabel = "WM", description = "custom: width multiplier")
    Double wm;
    @Option(names = "--group-width", paramLabel = "G", description = "custom: group width")
    Integer groupWidth;
    @Option(names = "--se-ratio", defaultValue = "0", paramLabel = "S", description = "custom: SE ratio (0: RegNetX)")
    double seRatio;
    @Option(names = "--stem-width", defaultValue = "32", paramLabel = "W", description = "custom: stem channels")
    int stemWidth;
    @Option(names = "--rounding", paramLabel = "pycls|torchvision", description = "override the preset's rounding")
    String rounding;
    @Option(names = "--stem-stride", defaultValue = "2", paramLabel = "S", description = "stem stride, 1 or 2")
    int stemStride;
    @Option(names = "--classes", paramLabel = "N", description = "classifier classes (default: from fc.weight)")
    Integer classes;
    @Option(names = "--weights", required = true, paramLabel = "W.safetensors", description = "interchange-named weights")
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
        RegNetSpec spec = spec();
        SafetensorsFile files = new SafetensorsFile();
        Map<String, Tensor> w = read(files, weights, "--weights");
        Tensor images = read(files, input, "--input").get("input");
        if (images == null) throw new UserException(input + " has no tensor named 'input'");
        if (images.rank() != 4 || images.dim(1) != 3) {
            throw new UserException("'input' must be [N, 3, H, W], got " + java.util.Arrays.toString(images.shape()));
        }
        ModelDefinition model = ModelDefinition.trunkOnly(RegNetGenerator.plan(spec), stemStride, classes(w));
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

    private int classes(Map<String, Tensor> w) {
        Tensor fc = w.get("fc.weight");
        int fromWeights = fc == null ? 0 : fc.dim(0);
        if (classes != null && classes != fromWeights) {
            throw new UserException("--classes " + classes + " but the weights' classifier has " + fromWeights);
        }
        return fromWeights;
    }

    private RegNetSpec spec() {
        RegNetSpec s = "custom".equalsIgnoreCase(arch.trim()) ? custom() : preset();
        if (rounding == null) return s;
        return switch (rounding.trim().toLowerCase(Locale.ROOT)) {
            case "pycls" -> s.withRounding(Rounding.PYCLS);
            case "torchvision" -> s.withRounding(Rounding.TORCHVISION);
            default -> throw new UserException("--rounding must be pycls or torchvision, got '" + rounding + "'");
        };
    }

    private RegNetSpec custom() {
        if (depth == null || w0 == null || wa == null || wm == null || groupWidth == null) {
            throw new UserException("--arch custom needs --depth, --w0, --wa, --wm and --group-width");
        }
        try {
            return new RegNetSpec(depth, w0, wa, wm, groupWidth, 1.0, seRatio, stemWidth, Rounding.PYCLS);
        } catch (IllegalArgumentException e) {
            throw new UserException("invalid design point: " + e.getMessage());
        }
    }

    private RegNetSpec preset() {
        return RegNetPresets.find(arch).orElseThrow(() -> new UserException("unknown RegNet '" + arch + "'"
                + RegNetPresets.suggest(arch).map(n -> "; did you mean '" + n + "'?").orElse("")
                + " (seer4j regnet --list shows every preset, or use --arch custom)"));
    }

    private static Map<String, Tensor> read(SafetensorsFile files, Path file, String option) {
        if (!java.nio.file.Files.isRegularFile(file)) throw new UserException(option + " " + file + ": no such file");
        try {
            return files.read(file);
        } catch (IOException | RuntimeException e) {
            throw new UserException(option + " " + file + ": " + e.getMessage(), e);
        }
    }
}
