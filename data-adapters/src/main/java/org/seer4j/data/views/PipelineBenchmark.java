package org.seer4j.data.views;

import java.util.List;
import java.util.Map;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;

/**
 * Times the multi-crop pipeline on a source: decoding plus augmentation of a fixed number of images, after one
 * warm-up batch (class loading and JIT) that is not counted.
 */
public final class PipelineBenchmark {

    /** A named multi-crop recipe. */
    public record Recipe(String name, ViewsConfig views) {
        public int cropsPerImage() {
            return views.totalCrops();
        }
    }

    /**
     * What one run measured; {@code cpuSeconds} is the whole process's CPU time over the timed part (workers,
     * consumer, JIT and GC threads), so {@link #imagesPerCpuSecond()} is the per-core rate even on a busy machine.
     */
    public record Result(String recipe, int workers, long images, long crops, double seconds, double cpuSeconds,
                         Map<String, Long> skipped) {
        public double imagesPerSecond() {
            return images / seconds;
        }

        public double imagesPerCpuSecond() {
            return images / cpuSeconds;
        }

        public double cropsPerSecond() {
            return crops / seconds;
        }
    }

    /** SwAV's 2x224 + 6x96 and the small 2x96 + 4x48, with SwAV's augmentation. */
    public static List<Recipe> standardRecipes() {
        Augmentation a = Augmentation.defaults();
        return List.of(new Recipe("2x224+6x96", ViewsConfig.defaults()),
                new Recipe("2x96+4x48", new ViewsConfig(List.of(new CropGroup(2, 96, 0.14, 1.0),
                        new CropGroup(4, 48, 0.05, 0.14)), List.of(0, 1), a)));
    }

    private PipelineBenchmark() {
    }

    /**
     * Runs {@code recipe} over the first {@code images} images of epoch 0 (rounded down to whole batches)
     * after one warm-up batch.
     */
    public static Result run(ImageSource source, Recipe recipe, int workers, int batchSize, long images) {
        MultiCropPipeline p = MultiCropPipeline.builder().setSource(source).setViews(recipe.views())
                .setBatchSize(batchSize).optWorkers(workers).build();
        try (BatchStream warm = p.open(1, 99)) {
            if (warm.hasNext()) {
                warm.next();
            }
        }
        long batches = Math.max(1, images / batchSize);
        long done = 0;
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        Map<String, Long> skipped;
        try (BatchStream s = p.open(0, 0)) {
            while (done < batches && s.hasNext()) {
                MultiCropBatch b = s.next();
                done++;
                if (b.groups().isEmpty()) {
                    throw new IllegalStateException("empty batch");
                }
            }
            skipped = s.skipped();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        long n = done * batchSize;
        return new Result(recipe.name(), workers, n, n * recipe.cropsPerImage(), seconds, cpuSeconds, skipped);
    }

    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
