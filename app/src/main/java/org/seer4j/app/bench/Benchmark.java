package org.seer4j.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.StepProfile;
import org.seer4j.core.port.StepResult;
import org.seer4j.core.port.SwavModel;

/**
 * Runs the standard workload on an engine: the model is built and warmed up once (that time is reported as the
 * preparation), then {@code rounds} rounds of timed steps, optionally profiled steps, then sgemm. The peak RSS
 * reported is the process's after the timed steps.
 */
public final class Benchmark {
    private final Engine engine;
    private final BenchWorkload workload;

    public Benchmark(Engine engine, BenchWorkload workload) {
        this.engine = engine;
        this.workload = workload;
    }

    /**
     * @param profileSteps profiled steps after the timed rounds (0: no profile); their mean is reported
     */
    public BenchReport run(int warmup, int steps, int rounds, int profileSteps) {
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        MultiCropBatch batch = workload.randomBatch(1);
        List<BenchRound> measured = new ArrayList<>();
        StepProfile profile = null;
        double peakRssMb;
        long iteration = 0;
        long t0 = System.nanoTime();
        double prepareMs;
        try (SwavModel model = engine.open(workload.model(), workload.settings())) {
            // building the model and its first step (where an engine traces or compiles) count as preparation
            model.step(batch, plan(iteration++));
            prepareMs = (System.nanoTime() - t0) / 1e6;
            for (int i = 1; i < warmup; i++) model.step(batch, plan(iteration++));
            for (int r = 0; r < rounds; r++) {
                long[] wall = new long[steps];
                long[][] parts = new long[4][steps];
                for (int i = 0; i < steps; i++) {
                    long t = System.nanoTime();
                    StepResult s = model.step(batch, plan(iteration++));
                    wall[i] = System.nanoTime() - t;
                    parts[0][i] = s.forwardNanos();
                    parts[1][i] = s.backwardNanos();
                    parts[2][i] = s.sinkhornNanos();
                    parts[3][i] = s.updateNanos();
                }
                double stepMs = median(wall) / 1e6;
                measured.add(new BenchRound(workload.batch() / (stepMs / 1e3), stepMs,
                        Arrays.stream(wall).min().orElseThrow() / 1e6, median(parts[0]) / 1e6,
                        median(parts[1]) / 1e6, median(parts[2]) / 1e6, median(parts[3]) / 1e6));
            }
            // the steps' peak, as PyTorch's reference reads it: the profiler's records and the sgemm measurement's
            // three 16 MiB matrices (mapped on their own, beside the freed but resident step memory) are no part of it
            peakRssMb = peakRssMb();
            if (profileSteps > 0) {
                List<StepProfile> profiles = new ArrayList<>();
                for (int i = 0; i < profileSteps; i++) {
                    profiles.add(model.profiledStep(batch, plan(iteration++)).profile());
                }
                profile = StepProfile.mean(profiles);
            }
        }
        int threads = workload.settings().threads();
        double sgemm = engine.sgemmGflops(2048, threads);
        return new BenchReport(engine.name() + " (" + engine.version() + ")", steps, threads, workload.batch(),
                workload.flopsPerStep(), sgemm, peakRssMb, prepareMs, measured, profile);
    }

    /** A small fixed learning rate: the figure is about speed, the weights only need to stay finite. */
    private static StepPlan plan(long iteration) {
        return new StepPlan(iteration, 0.01, false, false);
    }

    static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }

    /** The process's peak resident set (VmHWM), in MB; -1 where /proc is not available. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
