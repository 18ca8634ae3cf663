package org.seer4j.core.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.model.Models;
import org.seer4j.core.port.BatchSource;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.StepResult;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.swav.StepPlanner;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.usecase.CompareUseCase;

/**
 * The backend comparison study: the run's first {@code steps} batches are read once and kept, then every engine in
 * turn opens the model (the core's seeded initial weights, so all start alike), trains on those very batches with
 * the same step plans, and is closed before the next one opens, so timings and memory are each engine's own. The
 * first backend is the reference the others are measured against.
 */
public final class CompareService implements CompareUseCase {
    /**
     * Weight differences are relative to each tensor's largest |value| but never to less than 1: tensors that stay
     * near zero (biases right before a batch norm, whose gradient vanishes mathematically and is rounding noise in
     * both engines) are compared absolutely, as in the cross-engine conformance test.
     */
    private static final double WEIGHT_FLOOR = 1.0;

    private final EngineFactory engines;
    private final TrainingDataFactory data;
    private final Ticker ticker;
    private final MemoryGauge memory;

    public CompareService(EngineFactory engines, TrainingDataFactory data, Ticker ticker, MemoryGauge memory) {
        this.engines = engines;
        this.data = data;
        this.ticker = ticker;
        this.memory = memory;
    }

    @Override
    public Result compare(Command command) {
        check(command);
        List<Engine> chosen = new ArrayList<>();
        for (String name : command.backends()) {
            chosen.add(engines.engine(name)); // unknown names fail before any batch is read
        }
        RunConfig config = command.config();
        TrainingData training = data.open(config);
        List<MultiCropBatch> batches = batches(training.batches(), config.train().seed(), command.steps());
        // the schedule of the configured run, cut after `steps`, so warm-up and prototype freezing match pretrain
        long total = Math.max(StepPlanner.totalSteps(config.train(), training.imagesPerEpoch()), command.steps());
        StepPlanner planner = StepPlanner.of(config, total);
        List<StepPlan> plans = new ArrayList<>();
        for (int s = 0; s < command.steps(); s++) {
            plans.add(planner.plan(s));
        }
        List<EngineRun> runs = new ArrayList<>();
        Map<String, Tensor> reference = null;
        double weightDiff = 0;
        for (int e = 0; e < chosen.size(); e++) {
            Engine engine = chosen.get(e);
            long before = memory.bytes();
            long peak = before;
            double[] losses = new double[plans.size()];
            long[] nanos = new long[plans.size()];
            try (SwavModel model = engine.open(Models.definition(config), PretrainService.settings(config))) {
                for (int s = 0; s < plans.size(); s++) {
                    long t0 = ticker.nanos();
                    StepResult r = model.step(batches.get(s), plans.get(s));
                    nanos[s] = ticker.nanos() - t0;
                    losses[s] = r.loss();
                    peak = Math.max(peak, memory.bytes());
                }
                Map<String, Tensor> weights = model.weights();
                if (e == 0) {
                    reference = weights;
                } else {
                    weightDiff = Math.max(weightDiff, relativeDifference(reference, weights, engine.name()));
                }
            }
            runs.add(new EngineRun(command.backends().get(e), engine.version(), losses, nanos,
                    imagesPerSecond(nanos, config.train().batchSize()), peak - before));
        }
        return verdict(runs, weightDiff, command.tolerance());
    }

    private static void check(Command c) {
        if (c.backends().size() < 2) {
            throw new IllegalArgumentException("a comparison needs at least 2 backends, got " + c.backends().size()
                    + " " + c.backends());
        }
        if (new HashSet<>(c.backends()).size() != c.backends().size()) {
            throw new IllegalArgumentException("backends are listed twice in " + c.backends());
        }
        if (c.steps() < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + c.steps());
        }
        if (!(c.tolerance() >= 0) || Double.isInfinite(c.tolerance())) {
            throw new IllegalArgumentException("tolerance must be finite and >= 0, got " + c.tolerance());
        }
    }

    /** The first {@code steps} batches of the run, epoch after epoch, as pretrain would read them. */
    static List<MultiCropBatch> batches(BatchSource source, long seed, int steps) {
        List<MultiCropBatch> out = new ArrayList<>(steps);
        long epoch = 0;
        while (out.size() < steps) {
            int before = out.size();
            try (BatchStream stream = source.open(seed, epoch)) {
                while (out.size() < steps && stream.hasNext()) {
                    out.add(stream.next());
                }
            }
            if (out.size() == before) {
                throw new IllegalStateException("epoch " + epoch + " of " + source.describe()
                        + " holds no full batch of " + source.batchSize() + " images");
            }
            epoch++;
        }
        return out;
    }

    /**
     * Images per second at the median step time: robust against the warm-up steps (TensorFlow builds a graph for
     * the first step and again when the prototypes unfreeze) that would dominate the mean of a short study.
     */
    static double imagesPerSecond(long[] nanos, int batchSize) {
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return median > 0 ? batchSize * 1e9 / median : Double.NaN;
    }

    /** The largest |w - w_ref| of any tensor over that tensor's largest |w_ref| (floored at {@link #WEIGHT_FLOOR}). */
    static double relativeDifference(Map<String, Tensor> reference, Map<String, Tensor> other, String engine) {
        if (!reference.keySet().equals(other.keySet())) {
            throw new IllegalStateException("engine " + engine + " holds other tensors than the reference: "
                    + other.keySet() + " vs " + reference.keySet());
        }
        double worst = 0;
        for (Map.Entry<String, Tensor> entry : reference.entrySet()) {
            Tensor a = entry.getValue();
            Tensor b = other.get(entry.getKey());
            if (a.size() != b.size()) {
                throw new IllegalStateException(entry.getKey() + " is " + b + " in " + engine + " but " + a
                        + " in the reference");
            }
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < a.size(); i++) {
                scale = Math.max(scale, Math.abs(a.get(i)));
                diff = Math.max(diff, Math.abs((double) a.get(i) - b.get(i)));
            }
            worst = Math.max(worst, diff / Math.max(scale, WEIGHT_FLOOR));
        }
        return worst;
    }

    static Result verdict(List<EngineRun> runs, double weightDiff, double tolerance) {
        double[] ref = runs.get(0).losses();
        double maxAbs = 0;
        double maxRel = 0;
        boolean conformant = true;
        for (EngineRun run : runs) {
            for (int s = 0; s < ref.length; s++) {
                double d = Math.abs(run.losses()[s] - ref[s]);
                if (!Double.isFinite(d)) {
                    conformant = false;
                    maxAbs = Double.NaN;
                    maxRel = Double.NaN;
                    continue;
                }
                double rel = d == 0 ? 0 : d / Math.abs(ref[s]);
                maxAbs = Math.max(maxAbs, d); // Math.max keeps a NaN once one is in
                maxRel = Math.max(maxRel, rel);
                if (!(d <= tolerance * Math.abs(ref[s]))) {
                    conformant = false;
                }
            }
        }
        return new Result(runs, maxAbs, maxRel, weightDiff, tolerance, conformant);
    }
}
