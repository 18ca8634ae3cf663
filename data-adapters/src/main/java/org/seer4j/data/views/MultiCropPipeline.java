package org.seer4j.data.views;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.image.Shard;
import org.seer4j.core.port.BatchSource;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.views.CropGroup;

/**
 * Multi-crop batches of an {@link ImageSource}: N workers each read one shard of the epoch (positions
 * {@code w mod N}), decode and augment its images, and the consumer merges the shards back in position order.
 * Every crop's random draws come from its own stream seeded by (seed, epoch, position, crop), and a batch is the
 * next {@code batchSize} readable images in position order, so batches are identical whatever N is.
 */
public final class MultiCropPipeline implements BatchSource {
    private final ImageSource source;
    private final ViewsConfig views;
    private final int batchSize;
    private final int workers;
    private final int prefetch;
    private final Shard rank;

    private MultiCropPipeline(Builder b) {
        this.rank = b.rank;
        this.source = Objects.requireNonNull(b.source, "source");
        this.views = Objects.requireNonNull(b.views, "views");
        this.batchSize = b.batchSize;
        this.workers = b.workers;
        this.prefetch = b.prefetch > 0 ? b.prefetch : 2 * b.batchSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Required: {@code setSource}, {@code setViews}, {@code setBatchSize}; optional: workers (1), prefetch. */
    public static final class Builder {
        private ImageSource source;
        private ViewsConfig views;
        private int batchSize;
        private int workers = 1;
        private int prefetch;
        private Shard rank = Shard.ALL;

        public Builder setSource(ImageSource source) {
            this.source = source;
            return this;
        }

        public Builder setViews(ViewsConfig views) {
            this.views = views;
            return this;
        }

        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder optWorkers(int workers) {
            this.workers = workers;
            return this;
        }

        /**
         * The data-parallel worker's part of every epoch (default: all of it): positions congruent to
         * {@code rank.index()} modulo {@code rank.count()}, e.g. {@code WorkerEnvironment.shard()}. Batches then
         * hold that worker's images only; the workers' batches of one step together are the batch of one worker
         * reading everything with {@code rank.count()} times the batch size.
         */
        public Builder optRank(Shard rank) {
            this.rank = Objects.requireNonNull(rank, "rank");
            return this;
        }

        /** Images decoded and augmented ahead of the consumer, over all workers (default 2 batches). */
        public Builder optPrefetch(int images) {
            this.prefetch = images;
            return this;
        }

        public MultiCropPipeline build() {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1, got " + workers);
            }
            if (prefetch < 0) {
                throw new IllegalArgumentException("prefetch must be >= 0, got " + prefetch);
            }
            return new MultiCropPipeline(this);
        }
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (CropGroup g : views.crops()) {
            b.append(b.length() == 0 ? "" : " + ").append(g.count()).append('x').append(g.size());
        }
        // data.workers are threads that decode and augment, not the data-parallel workers of seer4j launch
        return b + " crops of " + source.describe() + ", batch " + batchSize + ", " + workers
                + (workers == 1 ? " loader thread" : " loader threads")
                + (rank.count() > 1 ? ", data-parallel rank " + rank.index() + " of " + rank.count() : "");
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    public int workers() {
        return workers;
    }

    public ViewsConfig views() {
        return views;
    }

    @Override
    public BatchStream open(long seed, long epoch, long startPosition) {
        int perWorker = Math.max(2, (prefetch + workers - 1) / workers);
        return new PipelineStream(source, views, batchSize, workers, perWorker, seed, epoch, startPosition, rank);
    }

    /** Sums per-worker skip counts. */
    static Map<String, Long> sum(List<Map<String, Long>> parts) {
        Map<String, Long> out = new TreeMap<>();
        for (Map<String, Long> m : parts) {
            m.forEach((k, v) -> out.merge(k, v, Long::sum));
        }
        return out;
    }

    static List<Map<String, Long>> emptyCounts(int n) {
        List<Map<String, Long>> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(Map.of());
        }
        return l;
    }
}
