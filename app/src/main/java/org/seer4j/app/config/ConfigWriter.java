package org.seer4j.app.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.seer4j.core.config.BackendConfig;
import org.seer4j.core.config.DataConfig;
import org.seer4j.core.config.EvalConfig;
import org.seer4j.core.config.ModelConfig;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.OutputConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.TrainConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.RegNetStages;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;
import org.seer4j.data.io.AtomicFiles;

/**
 * Writes the effective configuration of a run as YAML that {@link ConfigLoader} reads back to an equal
 * {@link RunConfig}: every key spelled out (defaults included), so a run folder documents itself.
 */
public final class ConfigWriter {
    /** Plain YAML scalars that stay strings; anything else is double-quoted. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./-]*");
    /** Words YAML 1.1 would read as booleans or null if left unquoted. */
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "y", "n", "on", "off", "null");

    private final StringBuilder out = new StringBuilder();

    private ConfigWriter() {
    }

    public static String toYaml(RunConfig c) {
        ConfigWriter w = new ConfigWriter();
        w.out.append("# Effective seer4j configuration: every key, defaults included.\n");
        w.model(c.model());
        w.views(c.views());
        w.swav(c.swav());
        w.optim(c.optim());
        w.train(c.train());
        w.data(c.data());
        w.backend(c.backend());
        w.eval(c.eval());
        w.output(c.output());
        return w.out.toString();
    }

    /** Writes through a temporary file and a rename (with fsync), so readers never see half a config. */
    public static void write(RunConfig config, Path file) throws IOException {
        AtomicFiles.writeString(file, toYaml(config));
    }

    private void model(ModelConfig m) {
        section("model");
        key("arch", string(m.arch()));
        key("rounding", rounding(m));
        key("stem_stride", m.stemStride());
        key("head_dims", m.headDims());
        key("head_batch_norm", m.headBatchNorm());
        key("init_weights", m.initWeights() == null ? "null" : string(m.initWeights()));
        RegNetStages st = m.stages();
        if (st != null) {
            out.append("  stages: {widths: ").append(st.widths()).append(", depths: ").append(st.depths())
                    .append(", group_widths: ").append(st.groupWidths()).append(", bottleneck: ")
                    .append(st.bottleneckRatio()).append(", se_ratio: ").append(st.seRatio()).append(", stem_width: ")
                    .append(st.stemWidth()).append("}\n");
        }
        RegNetSpec t = m.custom();
        if (t != null) {
            key("depth", t.depth());
            key("w0", t.w0());
            key("wa", t.wa());
            key("wm", t.wm());
            key("group_width", t.groupWidth());
            key("bottleneck", t.bottleneckRatio());
            key("se_ratio", t.seRatio());
            key("stem_width", t.stemWidth());
        }
    }

    /**
     * null keeps the preset's own convention; a custom trunk carries its convention in its spec, so that one is
     * written when it differs from what the loader assumes (pycls) for a custom trunk without the key.
     */
    private static String rounding(ModelConfig m) {
        Rounding r = m.rounding();
        if (r == null && m.custom() != null && m.custom().rounding() != Rounding.PYCLS) r = m.custom().rounding();
        return r == null ? "null" : r.name().toLowerCase(Locale.ROOT);
    }

    private void views(ViewsConfig v) {
        section("views");
        out.append("  crops:\n");
        for (CropGroup g : v.crops()) {
            out.append("    - {count: ").append(g.count()).append(", size: ").append(g.size())
                    .append(", min_scale: ").append(g.minScale()).append(", max_scale: ").append(g.maxScale())
                    .append("}\n");
        }
        key("assign_crops", v.assignCrops());
        Augmentation a = v.augmentation();
        out.append("  augmentation:\n");
        nested("flip_probability", a.flipProbability());
        nested("jitter_strength", a.jitterStrength());
        nested("jitter_probability", a.jitterProbability());
        nested("grayscale_probability", a.grayscaleProbability());
        nested("blur_probability", a.blurProbability());
        nested("blur_sigma_min", a.blurSigmaMin());
        nested("blur_sigma_max", a.blurSigmaMax());
        nested("mean", flow(a.mean()));
        nested("std", flow(a.std()));
    }

    private void swav(SwavConfig s) {
        section("swav");
        key("prototypes", s.prototypes());
        key("temperature", s.temperature());
        key("epsilon", s.epsilon());
        key("sinkhorn_iterations", s.sinkhornIterations());
        key("queue_length", s.queueLength());
        key("queue_start_iteration", s.queueStartIteration());
        key("freeze_prototypes_iters", s.freezePrototypesIters());
    }

    private void optim(OptimConfig o) {
        section("optim");
        key("name", string(o.name()));
        key("momentum", o.momentum());
        key("weight_decay", o.weightDecay());
        key("base_lr", o.baseLr());
        key("lr_batch_size", o.lrBatchSize());
        key("warmup_start_lr", o.warmupStartLr());
        key("final_lr_ratio", o.finalLrRatio());
        key("warmup_steps", o.warmupSteps());
        key("lars_trust", o.larsTrust());
        key("lars_clip", o.larsClip());
        key("lars_exclude_bias_and_norm", o.larsExcludeBiasAndNorm());
        key("state_dtype", string(o.stateDtype()));
    }

    private void train(TrainConfig t) {
        section("train");
        key("batch_size", t.batchSize());
        key("epochs", t.epochs());
        key("steps", t.steps());
        key("seed", t.seed());
        key("log_every", t.logEvery());
        key("checkpoint_every", t.checkpointEvery());
        key("keep_checkpoints", t.keepCheckpoints());
        key("activation_checkpointing", t.activationCheckpointing());
    }

    private void data(DataConfig d) {
        section("data");
        key("source", string(d.source()));
        key("path", string(d.path()));
        key("labels", string(d.labels()));
        key("labelled", d.labelled());
        key("workers", d.workers());
    }

    private void backend(BackendConfig b) {
        section("backend");
        key("name", string(b.name()));
        key("device", string(b.device()));
        key("threads", b.threads());
        key("sync_bn_group_size", b.syncBnGroupSize());
    }

    private void eval(EvalConfig e) {
        section("eval");
        key("protocol", string(e.protocol()));
        key("knn_k", e.knnK());
        key("knn_temperature", e.knnTemperature());
        key("linear_epochs", e.linearEpochs());
        key("test_fraction", e.testFraction());
    }

    private void output(OutputConfig o) {
        section("output");
        key("dir", string(o.dir()));
        key("metrics", o.metrics().stream().map(ConfigWriter::string).collect(Collectors.joining(", ", "[", "]")));
        key("report", o.report());
    }

    private void section(String name) {
        out.append(name).append(":\n");
    }

    private void key(String name, Object value) {
        out.append("  ").append(name).append(": ").append(value instanceof List<?> l ? flow(l) : value).append('\n');
    }

    private void nested(String name, Object value) {
        out.append("    ").append(name).append(": ").append(value).append('\n');
    }

    /** Numbers print with Java's shortest round-tripping form (1.0E-5), which the loader reads back exactly. */
    private static String flow(List<?> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }

    /** A string as a YAML scalar: plain when unambiguous, else double-quoted with JSON-style escapes. */
    static String string(String s) {
        if (s == null) return "null";
        if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) return s;
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                case '\r' -> q.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) q.append(String.format("\\u%04x", (int) c));
                    else q.append(c);
                }
            }
        }
        return q.append('"').toString();
    }
}
