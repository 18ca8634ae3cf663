package org.seer4j.app.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.seer4j.core.port.OpTime;
import org.seer4j.core.port.StepProfile;
import org.seer4j.data.json.Json;

/**
 * What one benchmark run measured. Each round's times are medians over its timed steps, in milliseconds; the
 * headline figures are those of the median round step (over all rounds' steps pooled as round medians), the
 * spread is over rounds. The fastest step is reported beside the median because on a shared machine it is the
 * better estimate of what the engine can do.
 *
 * @param prepareMs building the model plus its first step (where an engine traces or compiles its step)
 * @param profile the mean of the profiled steps, or null when none were asked for
 */
public record BenchReport(String engine, int steps, int threads, int batch, double flopsPerStep,
                          double sgemmGflopsPerSecond, double peakRssMb, double prepareMs, List<BenchRound> rounds,
                          StepProfile profile) {

    public BenchReport {
        rounds = List.copyOf(rounds);
        if (rounds.isEmpty()) throw new IllegalArgumentException("a benchmark report needs at least one round");
    }

    /** The round whose images/s is the median of the rounds (the lower middle one for an even count). */
    public BenchRound medianRound() {
        List<BenchRound> sorted = new ArrayList<>(rounds);
        sorted.sort((a, b) -> Double.compare(a.imagesPerSecond(), b.imagesPerSecond()));
        return sorted.get((sorted.size() - 1) / 2);
    }

    public double imagesPerSecond() {
        return medianRound().imagesPerSecond();
    }

    public double stepMs() {
        return medianRound().stepMs();
    }

    public double gflopsPerSecond() {
        return flopsPerStep / (stepMs() / 1e3) / 1e9;
    }

    /** Achieved GFLOP/s over the engine's own sgemm GFLOP/s measured in the same run. */
    public double mfu() {
        return gflopsPerSecond() / sgemmGflopsPerSecond;
    }

    public double bestStepMs() {
        return rounds.stream().mapToDouble(BenchRound::bestStepMs).min().orElseThrow();
    }

    /** Images per second of the fastest timed step of any round. */
    public double imagesPerSecondBest() {
        return batch / (bestStepMs() / 1e3);
    }

    /** MFU of the fastest timed step. */
    public double mfuBest() {
        return mfu() * stepMs() / bestStepMs();
    }

    public double imagesPerSecondMean() {
        return rounds.stream().mapToDouble(BenchRound::imagesPerSecond).average().orElseThrow();
    }

    public double imagesPerSecondMin() {
        return rounds.stream().mapToDouble(BenchRound::imagesPerSecond).min().orElseThrow();
    }

    public double imagesPerSecondMax() {
        return rounds.stream().mapToDouble(BenchRound::imagesPerSecond).max().orElseThrow();
    }

    /** Sample standard deviation of the rounds' images/s (0 for one round). */
    public double imagesPerSecondStdev() {
        int n = rounds.size();
        if (n < 2) return 0;
        double mean = imagesPerSecondMean();
        double ss = 0;
        for (BenchRound r : rounds) ss += (r.imagesPerSecond() - mean) * (r.imagesPerSecond() - mean);
        return Math.sqrt(ss / (n - 1));
    }

    public String text() {
        BenchRound m = medianRound();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, """
                engine            %s
                workload          RegNetY-400MF + head 440-512-128 (BN) + 1000 prototypes, crops 2x96 + 4x48, batch 16, SGD
                threads           %d, %d round(s) of %d steps (median step per round)
                preparation       %.0f ms (model built + first step)
                """, engine, threads, rounds.size(), steps, prepareMs));
        if (rounds.size() > 1) {
            for (int i = 0; i < rounds.size(); i++) {
                BenchRound r = rounds.get(i);
                s.append(String.format(Locale.ROOT, "round %-3d         %.2f images/s, step %.1f ms (fastest %.1f)%n",
                        i + 1, r.imagesPerSecond(), r.stepMs(), r.bestStepMs()));
            }
            s.append(String.format(Locale.ROOT, "rounds            mean %.2f images/s, min %.2f, max %.2f, stdev %.2f%n",
                    imagesPerSecondMean(), imagesPerSecondMin(), imagesPerSecondMax(), imagesPerSecondStdev()));
        }
        s.append(String.format(Locale.ROOT, """
                images/s          %.2f%s
                achieved GFLOP/s  %.2f
                sgemm GFLOP/s     %.2f  (2048^3, same run)
                MFU               %.3f
                peak RSS          %.0f MB
                step              %.1f ms = forward %.1f + backward %.1f + Sinkhorn %.1f + update %.1f
                fastest step      %.1f ms: %.2f images/s, MFU %.3f
                """, imagesPerSecond(), rounds.size() > 1 ? " (median round)" : "", gflopsPerSecond(),
                sgemmGflopsPerSecond, mfu(), peakRssMb, m.stepMs(), m.forwardMs(), m.backwardMs(), m.sinkhornMs(),
                m.updateMs(), bestStepMs(), imagesPerSecondBest(), mfuBest()));
        if (profile != null) s.append(profileTable(profile));
        return s.toString();
    }

    /** The profile as a table: one row per op kind, forward, backward, total, share of the step, calls. */
    static String profileTable(StepProfile p) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "profile           %s, step %.1f ms%n", p.method(), p.stepMs()));
        s.append(String.format(Locale.ROOT, "  %-26s %9s %9s %9s %6s %7s%n", "op kind", "fwd ms", "bwd ms",
                "total ms", "share", "calls"));
        double sum = 0;
        for (OpTime t : p.ops()) {
            sum += t.totalMs();
            s.append(String.format(Locale.ROOT, "  %-26s %9.1f %9.1f %9.1f %5.1f%% %7d%n", t.kind().label(),
                    t.forwardMs(), t.backwardMs(), t.totalMs(), share(t.totalMs(), p.stepMs()), t.calls()));
        }
        s.append(String.format(Locale.ROOT, "  %-26s %9s %9s %9.1f %5.1f%%%n", "sum", "", "", sum,
                share(sum, p.stepMs())));
        return s.toString();
    }

    private static double share(double ms, double stepMs) {
        return stepMs > 0 ? 100 * ms / stepMs : 0;
    }

    public String json() {
        BenchRound m = medianRound();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("engine", engine);
        j.put("steps", steps);
        j.put("threads", threads);
        j.put("images_per_s", imagesPerSecond());
        j.put("gflops_per_s", gflopsPerSecond());
        j.put("sgemm_gflops_per_s", sgemmGflopsPerSecond);
        j.put("mfu", mfu());
        j.put("peak_rss_mb", peakRssMb);
        j.put("prepare_ms", prepareMs);
        j.put("step_ms", m.stepMs());
        j.put("forward_ms", m.forwardMs());
        j.put("backward_ms", m.backwardMs());
        j.put("sinkhorn_ms", m.sinkhornMs());
        j.put("update_ms", m.updateMs());
        j.put("step_ms_best", bestStepMs());
        j.put("images_per_s_best", imagesPerSecondBest());
        j.put("mfu_best", mfuBest());
        j.put("images_per_s_mean", imagesPerSecondMean());
        j.put("images_per_s_min", imagesPerSecondMin());
        j.put("images_per_s_max", imagesPerSecondMax());
        j.put("images_per_s_stdev", imagesPerSecondStdev());
        List<Object> rs = new ArrayList<>();
        for (BenchRound r : rounds) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("images_per_s", r.imagesPerSecond());
            o.put("step_ms", r.stepMs());
            o.put("step_ms_best", r.bestStepMs());
            o.put("forward_ms", r.forwardMs());
            o.put("backward_ms", r.backwardMs());
            o.put("sinkhorn_ms", r.sinkhornMs());
            o.put("update_ms", r.updateMs());
            rs.add(o);
        }
        j.put("rounds", rs);
        if (profile != null) j.put("profile", profileJson(profile));
        return Json.write(j) + System.lineSeparator();
    }

    /** {"method", "step_ms", "ops": [{"kind", "label", "forward_ms", "backward_ms", "total_ms", "calls"}]}. */
    static Map<String, Object> profileJson(StepProfile p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("method", p.method());
        o.put("step_ms", p.stepMs());
        List<Object> ops = new ArrayList<>();
        for (OpTime t : p.ops()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("kind", t.kind().key());
            e.put("label", t.kind().label());
            e.put("forward_ms", t.forwardMs());
            e.put("backward_ms", t.backwardMs());
            e.put("total_ms", t.totalMs());
            e.put("calls", t.calls());
            ops.add(e);
        }
        o.put("ops", ops);
        return o;
    }
}
