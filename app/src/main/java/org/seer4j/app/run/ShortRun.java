package org.seer4j.app.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.optim.LrSchedule;
import org.seer4j.core.swav.StepPlanner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A short try of a configuration: {@code --set train.steps=N} on a config whose step-based schedules
 * ({@code optim.warmup_steps}, {@code swav.queue_start_iteration}, {@code swav.freeze_prototypes_iters}) are
 * longer than N. Every such schedule not itself given with {@code --set} is scaled by N / L, L being the run length
 * the configuration asks for without the override, so the try is a miniature of the configured run. Explicit
 * settings are never changed: when they contradict each other the run is refused as before (docs/configuration.md).
 */
public final class ShortRun {
    /** The step-based schedules, by key, read from a config. */
    static final Map<String, ToLongFunction<RunConfig>> SCHEDULES = schedules();
    private static final Logger LOG = LoggerFactory.getLogger(ShortRun.class);

    private ShortRun() {
    }

    private static Map<String, ToLongFunction<RunConfig>> schedules() {
        Map<String, ToLongFunction<RunConfig>> m = new LinkedHashMap<>();
        m.put("optim.warmup_steps", c -> c.optim().warmupSteps());
        m.put("swav.queue_start_iteration", c -> c.swav().queueStartIteration());
        m.put("swav.freeze_prototypes_iters", c -> c.swav().freezePrototypesIters());
        return m;
    }

    /**
     * The overrides ({@code key=value}) that fit the schedules of {@code config} into its {@code train.steps};
     * empty when nothing needs shortening.
     *
     * @param config         the configuration with every override applied
     * @param configured     the same without the {@code train.steps} override: the run the file asks for
     * @param explicit       the keys given with {@code --set}
     * @param imagesPerEpoch the size of the data, asked for only when the configured run is counted in epochs
     */
    public static List<String> fit(RunConfig config, RunConfig configured, Set<String> explicit,
                                   LongSupplier imagesPerEpoch) {
        long n = config.train().steps();
        if (!explicit.contains("train.steps") || n <= 0) {
            return List.of();
        }
        boolean tooLong = SCHEDULES.entrySet().stream()
                .anyMatch(e -> !explicit.contains(e.getKey()) && e.getValue().applyAsLong(config) > n);
        if (!tooLong) {
            return List.of();
        }
        long length = StepPlanner.totalSteps(configured.train(), configured.train().steps() > 0 ? 0
                : imagesPerEpoch.getAsLong());
        if (length <= n) {
            return List.of(); // not a shorter run: its schedules are refused as they stand
        }
        // a configuration that contradicts itself is refused, whatever the try
        LrSchedule.of(configured.optim(), configured.train().batchSize(), length);
        List<String> fitted = new ArrayList<>();
        List<String> said = new ArrayList<>();
        for (var e : SCHEDULES.entrySet()) {
            if (explicit.contains(e.getKey())) {
                continue;
            }
            long was = e.getValue().applyAsLong(config);
            long now = Math.min(n, Math.round((double) was * n / length));
            if (now != was) {
                fitted.add(e.getKey() + "=" + now);
                said.add(e.getKey() + " " + was + " -> " + now);
            }
        }
        LOG.info(String.format(Locale.ROOT, "train.steps=%d is a short try of a %d-step run: schedules scaled by "
                + "%d/%d: %s", n, length, n, length, String.join(", ", said)));
        return fitted;
    }

    /**
     * Refuses a run whose explicit length contradicts its schedules before any engine or data is opened (runs
     * counted in epochs are checked once the data's size is known).
     */
    public static void check(RunConfig config) {
        if (config.train().steps() > 0) {
            LrSchedule.of(config.optim(), config.train().batchSize(), config.train().steps());
        }
    }
}
