package org.seer4j.app.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.seer4j.data.json.Json;

/**
 * What one benchmark run measured. Times are medians over the timed steps, in milliseconds; the fastest step is
 * reported beside the median because on a shared machine it is the better estimate of what the engine can do.
 *
 * @param mfu achieved GFLOP/s over the engine's own sgemm GFLOP/s measured in the same run
 */
public record BenchReport(String engine, int steps, int threads, double imagesPerSecond, double gflopsPerSecond,
                          double sgemmGflopsPerSecond, double mfu, double peakRssMb, double stepMs, double forwardMs,
                          double backwardMs, double sinkhornMs, double updateMs, double bestStepMs) {

    /** Images per second of the fastest timed step. */
    public double imagesPerSecondBest() {
        return imagesPerSecond * stepMs / bestStepMs;
    }

    /** MFU of the fastest timed step. */
    public double mfuBest() {
        return mfu * stepMs / bestStepMs;
    }

    public String text() {
        return String.format(Locale.ROOT, """
                engine            %s
                workload          RegNetY-400MF + head 440-512-128 (BN) + 1000 prototypes, crops 2x96 + 4x48, batch 16, SGD
                threads           %d, median of %d steps
                images/s          %.2f
                achieved GFLOP/s  %.2f
                sgemm GFLOP/s     %.2f  (2048^3, same run)
                MFU               %.3f
                peak RSS          %.0f MB
                step              %.1f ms = forward %.1f + backward %.1f + Sinkhorn %.1f + update %.1f
                fastest step      %.1f ms: %.2f images/s, MFU %.3f
                """, engine, threads, steps, imagesPerSecond, gflopsPerSecond, sgemmGflopsPerSecond, mfu, peakRssMb,
                stepMs, forwardMs, backwardMs, sinkhornMs, updateMs, bestStepMs, imagesPerSecondBest(), mfuBest());
    }

    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", engine);
        m.put("steps", steps);
        m.put("threads", threads);
        m.put("images_per_s", imagesPerSecond);
        m.put("gflops_per_s", gflopsPerSecond);
        m.put("sgemm_gflops_per_s", sgemmGflopsPerSecond);
        m.put("mfu", mfu);
        m.put("peak_rss_mb", peakRssMb);
        m.put("step_ms", stepMs);
        m.put("forward_ms", forwardMs);
        m.put("backward_ms", backwardMs);
        m.put("sinkhorn_ms", sinkhornMs);
        m.put("update_ms", updateMs);
        m.put("step_ms_best", bestStepMs);
        m.put("images_per_s_best", imagesPerSecondBest());
        m.put("mfu_best", mfuBest());
        return Json.write(m) + System.lineSeparator();
    }
}
