package org.seer4j.app.cli;

import java.util.Locale;
import java.util.Map;
import org.seer4j.app.UserException;
import java.util.List;
import org.seer4j.core.model.DesignInference;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPresets;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.tensor.Tensor;
import picocli.CommandLine.Option;

/** The trunk a command works on: a preset or a custom design point, its rounding, stem stride and classifier. */
final class ArchitectureOptions {
    @Option(names = "--arch", paramLabel = "NAME",
            description = "RegNet preset (e.g. regnet_y_400mf), or custom with --depth --w0 --wa --wm --group-width;"
                    + " default: the design the weights' shapes describe")
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

    /**
     * The bare trunk (with the classifier the weights carry) these options and weights describe; without
     * {@code --arch}, the one the weights' shapes describe.
     */
    ModelDefinition trunk(Map<String, Tensor> weights) {
        if (arch == null) {
            RegNetPlan plan = WeightsFiles.design(weights, stemStride, "the weights").network().trunk();
            return ModelDefinition.trunkOnly(plan, stemStride, classes(weights));
        }
        return ModelDefinition.trunkOnly(RegNetGenerator.plan(spec()), stemStride, classes(weights));
    }

    /** The architecture's name for messages and metadata: --arch, or the preset/stage lists the weights match. */
    String name(ModelDefinition model) {
        if (arch != null) return arch;
        List<String> presets = RegNetPresets.matching(model.trunk().toStages());
        return presets.isEmpty() ? "stages " + DesignInference.describe(model.trunk().toStages()) : presets.get(0);
    }

    /** Validates --arch and the custom options early; nothing to check when the weights decide. */
    void check() {
        if (arch != null) spec();
    }

    int classes(Map<String, Tensor> w) {
        Tensor fc = w.get("fc.weight");
        int fromWeights = fc == null ? 0 : fc.dim(0);
        if (classes != null && classes != fromWeights) {
            throw new UserException("--classes " + classes + " but the weights' classifier has " + fromWeights);
        }
        return fromWeights;
    }

    RegNetSpec spec() {
        if (arch == null) throw new UserException("--arch is needed here");
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
}
