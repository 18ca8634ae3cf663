package org.seer4j.app;

/**
 * The tiny run the app's end-to-end tests share: a 2-stage RegNetY of 8 and 16 channels (stem stride 1) on 16 and
 * 8 pixel crops of the bundled sample, with SGD. Each test appends its own {@code swav}, {@code train},
 * {@code backend} (and other) sections.
 */
public final class TinyConfig {
    public static final String COMMON = """
            model: {arch: custom, depth: 2, w0: 8, wa: 8, wm: 2.0, group_width: 8, stem_stride: 1,
                    head_dims: [16, 8], head_batch_norm: true}
            views:
              crops:
                - {count: 2, size: 16, min_scale: 0.5, max_scale: 1.0}
                - {count: 2, size: 8, min_scale: 0.2, max_scale: 0.5}
              assign_crops: [0, 1]
            optim: {name: sgd, base_lr: 0.1, lr_batch_size: 8, warmup_steps: 1}
            data: {source: sample, workers: 1}
            """;

    private TinyConfig() {
    }
}
