package org.seer4j.core.config;

import java.util.List;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.RegNetStages;
import org.seer4j.core.regnet.Rounding;

/**
 * The {@code model} section: which RegNet trunk, and the SwAV projection head on top of it.
 *
 * @param arch          a preset name (see {@code seer4j regnet --list}), {@code custom} or {@code stages}
 * @param custom        the design-space point when {@code arch} is {@code custom}, else null
 * @param stages        explicit stage lists (ClassyVision's AnyNet) when {@code arch} is {@code stages}, else null
 * @param rounding      group-width rounding convention overriding the preset's or custom spec's own; null keeps it
 *                      (torchvision names round the torchvision way, every other preset the pycls way)
 * @param stemStride    2 as published; 1 keeps resolution for small images (28x28)
 * @param headDims      widths of the projection MLP after the trunk; the last is the embedding size
 * @param headBatchNorm BN between the head's linear layers (SwAV ImageNet: yes; SEER: no)
 * @param initWeights   weights a new run starts from (safetensors or any file {@code seer4j import} reads), or null
 */
public record ModelConfig(String arch, RegNetSpec custom, RegNetStages stages, Rounding rounding, int stemStride,
                          List<Integer> headDims, boolean headBatchNorm, String initWeights) {

    public static final String CUSTOM = "custom";
    public static final String STAGES = "stages";

    /** A preset or custom trunk, starting from the engine's initialisation. */
    public ModelConfig(String arch, RegNetSpec custom, Rounding rounding, int stemStride, List<Integer> headDims,
                       boolean headBatchNorm) {
        this(arch, custom, null, rounding, stemStride, headDims, headBatchNorm, null);
    }

    public ModelConfig {
        Check.present("model.arch", arch);
        if (CUSTOM.equals(arch) && custom == null) {
            throw new ConfigException("model.arch", "is custom, so model.depth, w0, wa, wm and group_width are required");
        }
        if (STAGES.equals(arch) && stages == null) {
            throw new ConfigException("model.arch", "is stages, so model.stages (widths, depths, group_widths) is required");
        }
        if (!STAGES.equals(arch) && stages != null) {
            throw new ConfigException("model.stages", "applies only when model.arch is stages (it is " + arch + ")");
        }
        if (initWeights != null && initWeights.isBlank()) initWeights = null;
        if (stemStride != 1 && stemStride != 2) {
            throw new ConfigException("model.stem_stride", "must be 1 or 2, got " + stemStride);
        }
        headDims = List.copyOf(Check.present("model.head_dims", headDims));
        if (headDims.isEmpty()) throw new ConfigException("model.head_dims", "needs at least the embedding size");
        for (int d : headDims) Check.positive("model.head_dims", d);
    }

    public static ModelConfig defaults() {
        return new ModelConfig("regnet_y_400mf", null, null, 2, List.of(2048, 128), true);
    }

    public ModelConfig withInitWeights(String file) {
        return new ModelConfig(arch, custom, stages, rounding, stemStride, headDims, headBatchNorm, file);
    }

    public int embeddingDim() {
        return headDims.get(headDims.size() - 1);
    }
}
