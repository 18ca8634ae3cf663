package org.seer4j.app.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.seer4j.app.config.ConfigNode.Entry;
import org.seer4j.app.config.ConfigNode.Mapping;
import org.seer4j.app.config.ConfigNode.Sequence;
import org.seer4j.core.config.BackendConfig;
import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.DataConfig;
import org.seer4j.core.config.EvalConfig;
import org.seer4j.core.config.ModelConfig;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.OutputConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.TrainConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.model.Models;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetStages;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;

/**
 * Turns a {@link ConfigNode} tree into the core's config records, key by key: absent keys take the records'
 * defaults, and whatever the records reject on construction is reported at the line where the key was written.
 * The mapping is spelled out here so that the core records stay free of any YAML or Jackson annotation.
 */
final class ConfigBinder {
    /** A valid trunk whose fields are swapped one at a time for the user's, to find which one RegNetSpec refuses. */
    private static final RegNetSpec PROBE = RegNetSpec.y(16, 48, 27.89, 2.09, 8);

    private final Mapping root;

    private ConfigBinder(Mapping root) {
        this.root = root;
    }

    static RunConfig bind(ConfigNode document) {
        if (!(document instanceof Mapping m)) {
            throw new InvalidConfigException(document.origin(), null,
                    "expected the sections model, views, swav, optim, train, data, backend, eval, output; got "
                            + document.describe());
        }
        return new ConfigBinder(m).run();
    }

    private RunConfig run() {
        Section top = new Section("", root, fileOnly());
        ModelConfig model = model(top.section("model"));
        ViewsConfig views = views(top.section("views"));
        SwavConfig swav = swav(top.section("swav"));
        OptimConfig optim = optim(top.section("optim"));
        TrainConfig train = train(top.section("train"));
        DataConfig data = data(top.section("data"));
        BackendConfig backend = backend(top.section("backend"));
        EvalConfig eval = eval(top.section("eval"));
        OutputConfig output = output(top.section("output"));
        return construct(() -> new RunConfig(model, views, swav, optim, train, data, backend, eval, output));
    }

    private ModelConfig model(Section s) {
        ModelConfig d = ModelConfig.defaults();
        String arch = s.string("arch", d.arch());
        if (arch != null) arch = arch.strip().toLowerCase(Locale.ROOT);
        // null (the default) keeps each preset's own convention; a name overrides it
        Rounding rounding = s.string("rounding", null) == null ? d.rounding()
                : Rounding.valueOf(s.choice("rounding", names(Rounding.values()), null).toUpperCase(Locale.ROOT));
        int stemStride = s.integer("stem_stride", d.stemStride());
        List<Integer> headDims = s.integers("head_dims", d.headDims());
        boolean headBatchNorm = s.bool("head_batch_norm", d.headBatchNorm());
        String initWeights = s.string("init_weights", null);
        RegNetStages stages = null;
        if (ModelConfig.STAGES.equals(arch)) {
            stages = stageLists(s);
        } else if (s.has("stages")) {
            throw s.error("stages", "applies only when model.arch is stages (it is " + arch + ")");
        }
        RegNetSpec custom = null;
        if (ModelConfig.CUSTOM.equals(arch)) {
            custom = customTrunk(s, rounding == null ? Rounding.PYCLS : rounding);
        } else {
            for (String k : ConfigKeys.CUSTOM_MODEL) {
                if (s.has(k)) throw s.error(k, "applies only when model.arch is custom (it is " + arch + ")");
            }
        }
        RegNetSpec trunk = custom;
        RegNetStages stageTrunk = stages;
        String finalArch = arch;
        return construct(() -> {
            ModelConfig m = new ModelConfig(finalArch, trunk, stageTrunk, rounding, stemStride, headDims, headBatchNorm,
                    initWeights);
            // resolve the preset and build the plan now, so an unknown arch is reported at its line
            Models.trunk(m);
            return m;
        });
    }

    /** {@code model.stages}: explicit stage lists; one group width stands for every stage. */
    private static RegNetStages stageLists(Section model) {
        if (!model.has("stages")) throw model.error("stages", "is required when model.arch is stages");
        Section s = model.section("stages");
        for (String k : List.of("widths", "depths", "group_widths")) {
            if (!s.has(k)) throw s.error(k, "is required when model.arch is stages");
        }
        List<Integer> widths = s.integers("widths", null);
        List<Integer> depths = s.integers("depths", null);
        List<Integer> groups = s.integers("group_widths", null);
        if (groups.size() == 1 && widths.size() > 1) groups = java.util.Collections.nCopies(widths.size(), groups.get(0));
        try {
            RegNetStages st = new RegNetStages(s.integer("stem_width", 32), widths, depths, groups,
                    s.number("bottleneck", 1.0), s.number("se_ratio", 0.25));
            RegNetGenerator.plan(st);
            return st;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(model.originOf("stages"), "model.stages", e.getMessage());
        }
    }

    /**
     * RegNetSpec validates itself with IllegalArgumentException and no key; which key is wrong is found by trying
     * each user value alone on a valid spec, so this class never repeats the spec's rules.
     */
    private static RegNetSpec customTrunk(Section s, Rounding rounding) {
        for (String k : List.of("depth", "w0", "wa", "wm", "group_width")) {
            if (!s.has(k)) throw s.error(k, "is required when model.arch is custom");
        }
        int depth = s.requiredInteger("depth");
        int w0 = s.requiredInteger("w0");
        double wa = s.requiredNumber("wa");
        double wm = s.requiredNumber("wm");
        int g = s.requiredInteger("group_width");
        double b = s.number("bottleneck", 1.0);
        double se = s.number("se_ratio", 0.25);
        int stem = s.integer("stem_width", 32);
        RegNetSpec p = PROBE;
        List<Probe> probes = List.of(
                new Probe("depth", () -> new RegNetSpec(depth, p.w0(), p.wa(), p.wm(), p.groupWidth(), p.bottleneckRatio(), p.seRatio(), p.stemWidth(), rounding)),
                new Probe("w0", () -> new RegNetSpec(p.depth(), w0, p.wa(), p.wm(), p.groupWidth(), p.bottleneckRatio(), p.seRatio(), p.stemWidth(), rounding)),
                new Probe("wa", () -> new RegNetSpec(p.depth(), p.w0(), wa, p.wm(), p.groupWidth(), p.bottleneckRatio(), p.seRatio(), p.stemWidth(), rounding)),
                new Probe("wm", () -> new RegNetSpec(p.depth(), p.w0(), p.wa(), wm, p.groupWidth(), p.bottleneckRatio(), p.seRatio(), p.stemWidth(), rounding)),
                new Probe("group_width", () -> new RegNetSpec(p.depth(), p.w0(), p.wa(), p.wm(), g, p.bottleneckRatio(), p.seRatio(), p.stemWidth(), rounding)),
                new Probe("bottleneck", () -> new RegNetSpec(p.depth(), p.w0(), p.wa(), p.wm(), p.groupWidth(), b, p.seRatio(), p.stemWidth(), rounding)),
                new Probe("se_ratio", () -> new RegNetSpec(p.depth(), p.w0(), p.wa(), p.wm(), p.groupWidth(), p.bottleneckRatio(), se, p.stemWidth(), rounding)),
                new Probe("stem_width", () -> new RegNetSpec(p.depth(), p.w0(), p.wa(), p.wm(), p.groupWidth(), p.bottleneckRatio(), p.seRatio(), stem, rounding)));
        for (Probe probe : probes) {
            try {
                probe.spec().get();
            } catch (IllegalArgumentException e) {
                throw s.error(probe.key(), withoutSubject(e.getMessage()));
            }
        }
        try {
            return new RegNetSpec(depth, w0, wa, wm, g, b, se, stem, rounding);
        } catch (IllegalArgumentException e) {
            // Every field passed alone; only a rule across fields can fail here.
            throw new InvalidConfigException(s.originOf("arch"), "model", withoutSubject(e.getMessage()));
        }
    }

    private record Probe(String key, Supplier<RegNetSpec> spec) {
    }

    /** "w0 must be a positive multiple of 8, got 12" reads "must be ..." once the key is in front of it. */
    private static String withoutSubject(String message) {
        int must = message.indexOf("must ");
        return must > 0 ? message.substring(must) : message;
    }

    private ViewsConfig views(Section s) {
        ViewsConfig d = ViewsConfig.defaults();
        List<CropGroup> crops = s.sections("crops").map(this::crops).orElse(d.crops());
        List<Integer> assign = s.integers("assign_crops", d.assignCrops());
        Augmentation augmentation = augmentation(s.section("augmentation"));
        return construct(() -> new ViewsConfig(crops, assign, augmentation));
    }

    private List<CropGroup> crops(List<Section> items) {
        List<CropGroup> crops = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Section c = items.get(i);
            int count = c.requiredInteger("count");
            int size = c.requiredInteger("size");
            double min = c.requiredNumber("min_scale");
            double max = c.requiredNumber("max_scale");
            String itemKey = "views.crops[" + i + "]";
            try {
                crops.add(new CropGroup(count, size, min, max));
            } catch (ConfigException e) {
                // CropGroup names its keys views.crops.<field>; the user needs to know which group.
                String field = e.key().substring(e.key().lastIndexOf('.') + 1);
                throw new InvalidConfigException(c.originOf(field), itemKey + "." + field, e.reason());
            }
        }
        return crops;
    }

    private Augmentation augmentation(Section s) {
        Augmentation d = Augmentation.defaults();
        double flip = s.number("flip_probability", d.flipProbability());
        double strength = s.number("jitter_strength", d.jitterStrength());
        double jitter = s.number("jitter_probability", d.jitterProbability());
        double gray = s.number("grayscale_probability", d.grayscaleProbability());
        double blur = s.number("blur_probability", d.blurProbability());
        double sigmaMin = s.number("blur_sigma_min", d.blurSigmaMin());
        double sigmaMax = s.number("blur_sigma_max", d.blurSigmaMax());
        List<Double> mean = s.numbers("mean", d.mean());
        List<Double> std = s.numbers("std", d.std());
        return construct(() -> new Augmentation(flip, strength, jitter, gray, blur, sigmaMin, sigmaMax, mean, std));
    }

    private SwavConfig swav(Section s) {
        SwavConfig d = SwavConfig.defaults();
        int prototypes = s.integer("prototypes", d.prototypes());
        double temperature = s.number("temperature", d.temperature());
        double epsilon = s.number("epsilon", d.epsilon());
        int iterations = s.integer("sinkhorn_iterations", d.sinkhornIterations());
        int queue = s.integer("queue_length", d.queueLength());
        long queueStart = s.integer64("queue_start_iteration", d.queueStartIteration());
        long freeze = s.integer64("freeze_prototypes_iters", d.freezePrototypesIters());
        return construct(() -> new SwavConfig(prototypes, temperature, epsilon, iterations, queue, queueStart, freeze));
    }

    private OptimConfig optim(Section s) {
        OptimConfig d = OptimConfig.defaults();
        String name = s.choice("name", OptimConfig.NAMES, d.name());
        double momentum = s.number("momentum", d.momentum());
        double wd = s.number("weight_decay", d.weightDecay());
        double baseLr = s.number("base_lr", d.baseLr());
        int lrBatch = s.integer("lr_batch_size", d.lrBatchSize());
        double startLr = s.number("warmup_start_lr", d.warmupStartLr());
        double finalRatio = s.number("final_lr_ratio", d.finalLrRatio());
        long warmup = s.integer64("warmup_steps", d.warmupSteps());
        double trust = s.number("lars_trust", d.larsTrust());
        boolean clip = s.bool("lars_clip", d.larsClip());
        boolean exclude = s.bool("lars_exclude_bias_and_norm", d.larsExcludeBiasAndNorm());
        String stateDtype = s.choice("state_dtype", OptimConfig.STATE_DTYPES, d.stateDtype());
        return construct(() -> new OptimConfig(name, momentum, wd, baseLr, lrBatch, startLr, finalRatio, warmup, trust,
                clip, exclude, stateDtype));
    }

    private TrainConfig train(Section s) {
        TrainConfig d = TrainConfig.defaults();
        int batch = s.integer("batch_size", d.batchSize());
        int epochs = s.integer("epochs", d.epochs());
        long steps = s.integer64("steps", d.steps());
        long seed = s.integer64("seed", d.seed());
        int logEvery = s.integer("log_every", d.logEvery());
        int checkpointEvery = s.integer("checkpoint_every", d.checkpointEvery());
        int keep = s.integer("keep_checkpoints", d.keepCheckpoints());
        boolean recompute = s.bool("activation_checkpointing", d.activationCheckpointing());
        return construct(() -> new TrainConfig(batch, epochs, steps, seed, logEvery, checkpointEvery, keep, recompute));
    }

    private DataConfig data(Section s) {
        DataConfig d = DataConfig.defaults();
        String source = s.choice("source", DataConfig.SOURCES, d.source());
        String path = s.string("path", d.path());
        String labels = s.string("labels", d.labels());
        boolean labelled = s.bool("labelled", d.labelled());
        int workers = s.integer("workers", d.workers());
        return construct(() -> new DataConfig(source, path, labels, labelled, workers));
    }

    private BackendConfig backend(Section s) {
        BackendConfig d = BackendConfig.defaults();
        String name = s.choice("name", BackendConfig.NAMES, d.name());
        String device = s.choice("device", BackendConfig.DEVICES, d.device());
        int threads = s.integer("threads", d.threads());
        int syncBnGroupSize = s.integer("sync_bn_group_size", d.syncBnGroupSize());
        return construct(() -> new BackendConfig(name, device, threads, syncBnGroupSize));
    }

    private EvalConfig eval(Section s) {
        EvalConfig d = EvalConfig.defaults();
        String protocol = s.choice("protocol", EvalConfig.PROTOCOLS, d.protocol());
        int k = s.integer("knn_k", d.knnK());
        double temperature = s.number("knn_temperature", d.knnTemperature());
        int epochs = s.integer("linear_epochs", d.linearEpochs());
        double testFraction = s.number("test_fraction", d.testFraction());
        return construct(() -> new EvalConfig(protocol, k, temperature, epochs, testFraction));
    }

    private OutputConfig output(Section s) {
        OutputConfig d = OutputConfig.defaults();
        String dir = s.string("dir", d.dir());
        List<String> metrics = s.strings("metrics", d.metrics());
        boolean report = s.bool("report", d.report());
        return construct(() -> new OutputConfig(dir, metrics, report));
    }

    private static List<String> names(Enum<?>[] values) {
        List<String> names = new ArrayList<>();
        for (Enum<?> v : values) names.add(v.name().toLowerCase(Locale.ROOT));
        return names;
    }

    /** Builds a record; its ConfigException names a key, which is looked up in the tree for its line. */
    private <T> T construct(Supplier<T> record) {
        try {
            return record.get();
        } catch (ConfigException e) {
            throw new InvalidConfigException(locate(e.key()), e.key(), e.reason());
        }
    }

    /** The document without a line: where a problem with a value nobody wrote (a default) is reported. */
    private Origin fileOnly() {
        return new Origin(root.origin().source(), 0);
    }

    /** The origin of the deepest written part of a dotted key: the key itself, else its nearest section. */
    private Origin locate(String key) {
        Origin found = fileOnly();
        ConfigNode node = root;
        for (String part : key.split("\\.")) {
            String name = part.replaceAll("\\[\\d+]$", "");
            if (!(node instanceof Mapping m) || m.get(name) == null) break;
            Entry e = m.get(name);
            found = e.keyOrigin();
            node = e.value();
            if (!name.equals(part) && node instanceof Sequence seq) {
                int i = Integer.parseInt(part.substring(name.length() + 1, part.length() - 1));
                if (i >= seq.items().size()) break;
                node = seq.items().get(i);
                found = node.origin();
            }
        }
        return found;
    }
}
