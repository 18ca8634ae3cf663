package org.seer4j.app.bench;

import java.util.Locale;

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
        return String.format(Locale.ROOT, "{\"engine\":\"%s\",\"steps\":%d,\"threads\":%d,\"images_per_s\":%.4f,"
                        + "\"gflops_per_s\":%.4f,\"sgemm_gflops_per_s\":%.4f,\"mfu\":%.5f,\"peak_rss_mb\":%.1f,"
                        + "\"step_ms\":%.3f,\"forward_ms\":%.3f,\"backward_ms\":%.3f,\"sinkhorn_ms\":%.3f,"
                        + "\"update_ms\":%.3f,\"step_ms_best\":%.3f,\"images_per_s_best\":%.4f,\"mfu_best\":%.5f}%n",
                engine.replace("\\", "\\\\").replace("\"", "\\\""), steps, threads, imagesPerSecond, gflopsPerSecond,
                sgemmGflopsPerSecond, mfu, peakRssMb, stepMs, forwardMs, backwardMs, sinkhornMs, updateMs, bestStepMs,
                imagesPerSecondBest(), mfuBest());
    }
}
