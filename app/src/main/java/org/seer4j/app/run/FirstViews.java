package org.seer4j.app.run;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.seer4j.app.report.ViewStrip;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.image.Shard;
import org.seer4j.core.port.BatchSource;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.service.TrainingData;
import org.seer4j.core.service.TrainingDataFactory;

/**
 * Training data with the first batch a run takes kept as a {@link ViewStrip}
 * (its first {@link #IMAGES} images, every crop) for the report: the views exactly as the engine received them.
 */
public final class FirstViews implements TrainingDataFactory {
    static final int IMAGES = 4;

    private final TrainingDataFactory data;
    private final AtomicReference<ViewStrip> first = new AtomicReference<>();

    public FirstViews(TrainingDataFactory data) {
        this.data = data;
    }

    /** Forgets the previous run's views; the next batch taken is kept. */
    public void reset() {
        first.set(null);
    }

    /** The first batch taken since {@link #reset()}, or null. */
    public ViewStrip strip() {
        return first.get();
    }

    @Override
    public TrainingData open(RunConfig config) {
        return keeping(data.open(config), config);
    }

    @Override
    public TrainingData open(RunConfig config, Shard rank) {
        return keeping(data.open(config, rank), config);
    }

    private TrainingData keeping(TrainingData t, RunConfig config) {
        BatchSource source = t.batches();
        BatchSource watched = new BatchSource() {
            @Override
            public String describe() {
                return source.describe();
            }

            @Override
            public int batchSize() {
                return source.batchSize();
            }

            @Override
            public BatchStream open(long seed, long epoch, long startPosition) {
                BatchStream s = source.open(seed, epoch, startPosition);
                return new BatchStream() {
                    @Override
                    public boolean hasNext() {
                        return s.hasNext();
                    }

                    @Override
                    public MultiCropBatch next() {
                        MultiCropBatch b = s.next();
                        if (first.get() == null) {
                            first.compareAndSet(null, ViewStrip.of(b, config.views().augmentation(), IMAGES));
                        }
                        return b;
                    }

                    @Override
                    public Map<String, Long> skipped() {
                        return s.skipped();
                    }

                    @Override
                    public long position() {
                        return s.position();
                    }

                    @Override
                    public void close() {
                        s.close();
                    }
                };
            }
        };
        return new TrainingData(watched, t.imagesPerEpoch());
    }
}
