package org.seer4j.app.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key a config file may contain, section by section, in the order the writer emits them. The binder reads
 * only keys listed here (it fails fast otherwise), unknown-key suggestions search it, and a test checks that
 * docs/configuration.md documents each of them.
 */
public final class ConfigKeys {
    /** The trunk's design-space keys, used only when {@code model.arch} is {@code custom}. */
    public static final List<String> CUSTOM_MODEL = List.of(
            "depth", "w0", "wa", "wm", "group_width", "bottleneck", "se_ratio", "stem_width");

    /** The explicit stage lists under {@code model.stages}, used only when {@code model.arch} is {@code stages}. */
    public static final List<String> STAGES_MODEL = List.of(
            "widths", "depths", "group_widths", "bottleneck", "se_ratio", "stem_width");

    /** Section path to its keys; {@code views.crops[]} stands for each item of the crop list. */
    public static final Map<String, List<String>> SECTIONS = sections();

    private ConfigKeys() {
    }

    private static Map<String, List<String>> sections() {
        Map<String, List<String>> s = new LinkedHashMap<>();
        s.put("", List.of("model", "views", "swav", "optim", "train", "data", "backend", "eval", "output"));
        List<String> model = new ArrayList<>(List.of("arch", "rounding", "stem_stride", "head_dims",
                "head_batch_norm", "init_weights"));
        model.addAll(CUSTOM_MODEL);
        model.add("stages");
        s.put("model", List.copyOf(model));
        s.put("model.stages", STAGES_MODEL);
        s.put("views", List.of("crops", "assign_crops", "augmentation"));
        s.put("views.crops[]", List.of("count", "size", "min_scale", "max_scale"));
        s.put("views.augmentation", List.of("flip_probability", "jitter_strength", "jitter_probability",
                "grayscale_probability", "blur_probability", "blur_sigma_min", "blur_sigma_max", "mean", "std"));
        s.put("swav", List.of("prototypes", "temperature", "epsilon", "sinkhorn_iterations", "queue_length",
                "queue_start_iteration", "freeze_prototypes_iters"));
        s.put("optim", List.of("name", "momentum", "weight_decay", "base_lr", "lr_batch_size", "warmup_start_lr",
                "final_lr_ratio", "warmup_steps", "lars_trust", "lars_clip", "lars_exclude_bias_and_norm", "state_dtype"));
        s.put("train", List.of("batch_size", "epochs", "steps", "seed", "log_every", "checkpoint_every",
                "keep_checkpoints", "activation_checkpointing"));
        s.put("data", List.of("source", "path", "labels", "labelled", "workers"));
        s.put("backend", List.of("name", "device", "threads", "sync_bn_group_size"));
        s.put("eval", List.of("protocol", "knn_k", "knn_temperature", "linear_epochs", "test_fraction"));
        s.put("output", List.of("dir", "metrics", "report"));
        return java.util.Collections.unmodifiableMap(s);
    }

    /** Every leaf key as a dotted path ({@code swav.epsilon}, {@code views.crops[].size}), sections excluded. */
    public static List<String> all() {
        List<String> keys = new ArrayList<>();
        SECTIONS.forEach((section, names) -> {
            for (String n : names) {
                String key = section.isEmpty() ? n : section + "." + n;
                boolean isSection = SECTIONS.containsKey(key) || SECTIONS.containsKey(key + "[]");
                if (!isSection) keys.add(key);
            }
        });
        return keys;
    }

    /** The schema name of a concrete section path: list indices become {@code []}. */
    static String schemaPath(String path) {
        return path.replaceAll("\\[\\d+]", "[]");
    }
}
