package org.seer4j.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.StepResult;
import org.seer4j.core.port.SwavModel;

/** Runs the standard workload on an engine: warm-up steps, then the median of timed steps, then sgemm. */
public final class Benchmark {
    private final Engine engine;
    private final BenchWorkload workload;

    public Benchmark(Engine engine, BenchWorkload workload) {
        this.engine = engine;
        this.workload = workload;
    }

    public BenchReport run(int warmup, int steps) {
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        MultiCropBatch batch = workload.randomBatch(1);
        long[] wall = new long[steps];
        long[][] parts = new long[4][steps];
        try (SwavModel model = engine.open(workload.model(), workload.settings())) {
            for (int i = 0; i < warmup; i++) model.step(batch, plan(i));
            for (int i = 0; i < steps; i++) {
                long t = System.nanoTime();
                StepResult r = model.step(batch, plan(warmup + i));
                wall[i] = System.nanoTime() - t;
                parts[0][i] = r.forwardNanos();
                parts[1][i] = r.backwardNanos();
                parts[2][i] = r.sinkhornNanos();
                parts[3][i] = r.updateNanos();
            }
        }
        int threads = workload.settings().threads();
        double sgemm = engine.sgemmGflops(2048, threads);
        double stepSeconds = median(wall) / 1e9;
        double gflops = workload.flopsPerStep() / stepSeconds / 1e9;
        return new BenchReport(engine.name() + " (" + engine.version() + ")", steps, threads,
                workload.batch() / stepSeconds, gflops, sgemm, gflops / sgemm, peakRssMb(), stepSeconds * 1e3,
                median(parts[0]) / 1e6, median(parts[1]) / 1e6, median(parts[2]) / 1e6, median(parts[3]) / 1e6,
                Arrays.stream(wall).min().orElseThrow() / 1e6);
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
