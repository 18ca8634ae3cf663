package org.seer4j.core.model;

import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.ModelConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetPresets;
import org.seer4j.core.regnet.RegNetSpec;

/** Resolves the {@code model} and {@code swav} sections of a run into the network an engine builds. */
public final class Models {
    private Models() {
    }

    /** Trunk from {@code model.arch} (or the custom spec), SwAV head on its output, {@code swav.prototypes}. */
    public static ModelDefinition definition(RunConfig run) {
        ModelConfig m = run.model();
        RegNetPlan trunk = trunk(m);
        HeadSpec head = new HeadSpec(trunk.outWidth(), m.headDims(), m.headBatchNorm());
        return new ModelDefinition(trunk, m.stemStride(), head, run.swav().prototypes(), 0);
    }

    public static RegNetPlan trunk(ModelConfig m) {
        if (ModelConfig.STAGES.equals(m.arch())) {
            try {
                return RegNetGenerator.plan(m.stages());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("model.stages", e.getMessage());
            }
        }
        RegNetSpec spec = spec(m);
        try {
            return RegNetGenerator.plan(spec);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("model.bottleneck", e.getMessage());
        }
    }

    /** The design point {@code model} names, with the rounding override applied (not for explicit stages). */
    public static RegNetSpec spec(ModelConfig m) {
        if (ModelConfig.STAGES.equals(m.arch())) {
            throw new ConfigException("model.arch", "is stages: the trunk has explicit stage lists, no design point");
        }
        RegNetSpec spec = ModelConfig.CUSTOM.equals(m.arch()) ? m.custom() : preset(m.arch());
        return m.rounding() == null ? spec : spec.withRounding(m.rounding());
    }

    private static RegNetSpec preset(String arch) {
        return RegNetPresets.find(arch).orElseThrow(() -> new ConfigException("model.arch",
                "unknown RegNet '" + arch + "'"
                        + RegNetPresets.suggest(arch).map(s -> "; did you mean '" + s + "'?").orElse("")
                        + " (seer4j regnet --list shows every preset; 'custom' takes model.depth, w0, wa, wm, "
                        + "group_width)"));
    }
}
