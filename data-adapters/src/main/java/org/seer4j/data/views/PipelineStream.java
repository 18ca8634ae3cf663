package org.seer4j.data.views;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.image.RgbImage;
import org.seer4j.core.image.Shard;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.DataException;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.port.ImageStream;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.views.CropGroup;
import org.seer4j.data.random.Rng;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One epoch of {@link MultiCropPipeline}: the worker threads, their bounded queues, and the in-order merge. */
final class PipelineStream implements BatchStream {
    /** A worker's output: one image's crops (one array per crop group, crops concatenated), or its end. */
    private record Item(long position, float[][] crops, boolean end, RuntimeException failure) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(PipelineStream.class);

    private final ViewsConfig views;
    private final long epoch;
    private final int batchSize;
    private final int workers;
    private final long startPosition;
    private final String sourceName;
    private final List<BlockingQueue<Item>> queues = new CopyOnWriteArrayList<>();
    private final List<Map<String, Long>> skipped;
    private final Thread[] threads;
    private final ConcurrentLinkedQueue<float[][]> pool = new ConcurrentLinkedQueue<>();
    private final Item[] heads;
    private final boolean[] finished;
    private long nextPosition;
    private final Shard rank;
    private long resumePosition;
    private long imagesSeen;
    private MultiCropBatch pending;
    private boolean exhausted;
    private volatile boolean closed;

    PipelineStream(ImageSource source, ViewsConfig views, int batchSize, int workers, int perWorker, long seed,
                   long epoch, long startPosition) {
        this(source, views, batchSize, workers, perWorker, seed, epoch, startPosition, Shard.ALL);
    }

    /**
     * {@code rank}: the data-parallel worker's part of the epoch (positions congruent to its index modulo its
     * count); the threads split that part further, thread w reading {@code Shard(rank + w * ranks, ranks * workers)}.
     */
    PipelineStream(ImageSource source, ViewsConfig views, int batchSize, int workers, int perWorker, long seed,
                   long epoch, long startPosition, Shard rank) {
        this.rank = rank;
        this.views = views;
        this.epoch = epoch;
        this.batchSize = batchSize;
        this.workers = workers;
        this.startPosition = Math.max(0, startPosition);
        // the first position at or after the start that belongs to this rank
        long offset = Math.floorMod(rank.index() - this.startPosition, (long) rank.count());
        this.nextPosition = this.startPosition + offset;
        this.resumePosition = this.startPosition;
        this.sourceName = source.describe();
        this.skipped = new CopyOnWriteArrayList<>(MultiCropPipeline.emptyCounts(workers));
        this.heads = new Item[workers];
        this.finished = new boolean[workers];
        this.threads = new Thread[workers];
        for (int w = 0; w < workers; w++) {
            queues.add(new ArrayBlockingQueue<>(perWorker));
        }
        for (int w = 0; w < workers; w++) {
            int id = w;
            threads[w] = new Thread(() -> work(source, seed, epoch, id), "seer4j-views-" + w);
            threads[w].setDaemon(true);
            threads[w].start();
        }
    }

    private void work(ImageSource source, long seed, long epoch, int w) {
        BlockingQueue<Item> out = queues.get(w);
        CropAugmenter augmenter = new CropAugmenter(views.augmentation());
        List<CropGroup> groups = views.crops();
        try (ImageStream in = source.open(seed, epoch, new Shard(rank.index() + w * rank.count(), rank.count() * workers),
                startPosition)) {
            while (!closed && in.hasNext()) {
                SourceImage img = in.next();
                long p = in.position();
                float[][] crops = pool.poll();
                if (crops == null) {
                    crops = new float[groups.size()][];
                    for (int g = 0; g < groups.size(); g++) {
                        CropGroup cg = groups.get(g);
                        crops[g] = new float[cg.count() * 3 * cg.size() * cg.size()];
                    }
                }
                augment(img.image(), seed, epoch, p, groups, augmenter, crops);
                skipped.set(w, in.skipped());
                put(out, new Item(p, crops, false, null));
            }
            skipped.set(w, in.skipped());
            put(out, new Item(Long.MAX_VALUE, null, true, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            try {
                put(out, new Item(Long.MAX_VALUE, null, true, e));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits for room in the queue, giving up once the stream is closed. Workers are never interrupted: an
     * interrupt inside file I/O would close channels that other threads share.
     */
    private void put(BlockingQueue<Item> q, Item it) throws InterruptedException {
        while (!closed) {
            if (q.offer(it, 100, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    /** The crops of the image at {@code position}: crop k's draws come from stream (seed, epoch, position, k). */
    static void augment(RgbImage image, long seed, long epoch, long position, List<CropGroup> groups,
                        CropAugmenter augmenter, float[][] out) {
        int crop = 0;
        for (int g = 0; g < groups.size(); g++) {
            CropGroup cg = groups.get(g);
            int per = 3 * cg.size() * cg.size();
            for (int k = 0; k < cg.count(); k++, crop++) {
                Rng rng = Rng.of(seed, epoch, position, crop);
                CropParams p = CropParams.draw(rng, image.width(), image.height(), cg, augmenter.augmentation());
                augmenter.apply(image, p, cg.size(), out[g], k * per);
            }
        }
    }

    /** The next readable image in position order, or null at the end of the epoch. */
    private Item nextItem() throws InterruptedException {
        while (true) {
            int w = (int) Math.floorMod((nextPosition - rank.index()) / rank.count(), (long) workers);
            boolean allDone = true;
            for (boolean f : finished) {
                allDone &= f;
            }
            if (allDone) {
                return null;
            }
            if (finished[w]) {
                nextPosition += rank.count();
                continue;
            }
            if (heads[w] == null) {
                Item it;
                do {
                    it = queues.get(w).poll(200, TimeUnit.MILLISECONDS);
                    if (closed) {
                        return null;
                    }
                } while (it == null);
                heads[w] = it;
            }
            Item head = heads[w];
            if (head.failure() != null) {
                throw new IllegalStateException("reading " + sourceName + " failed: " + head.failure().getMessage(),
                        head.failure());
            }
            if (head.end()) {
                finished[w] = true;
                continue;
            }
            if (head.position() == nextPosition) {
                heads[w] = null;
                nextPosition += rank.count();
                return head;
            }
            // the worker has moved past this position: its image was skipped
            nextPosition += rank.count();
        }
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        if (exhausted || closed) {
            return false;
        }
        List<CropGroup> groups = views.crops();
        float[][] data = new float[groups.size()][];
        int[] per = new int[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            CropGroup cg = groups.get(g);
            per[g] = 3 * cg.size() * cg.size();
            data[g] = new float[cg.count() * batchSize * per[g]];
        }
        long last = -1;
        try {
            for (int b = 0; b < batchSize; b++) {
                Item it = nextItem();
                if (it == null) {
                    exhausted = true;
                    failIfNothingReadable();
                    Map<String, Long> s = skipped();
                    LOG.info("epoch {} of {}: {} images read{}", epoch, sourceName, imagesSeen,
                            s.isEmpty() ? "" : ", skipped " + s);
                    return false;
                }
                imagesSeen++;
                last = it.position();
                for (int g = 0; g < groups.size(); g++) {
                    int count = groups.get(g).count();
                    for (int k = 0; k < count; k++) {
                        // crop-major: crop k of image b goes to row k * batchSize + b
                        System.arraycopy(it.crops()[g], k * per[g], data[g], (k * batchSize + b) * per[g], per[g]);
                    }
                }
                pool.offer(it.crops());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            return false;
        }
        Tensor[] tensors = new Tensor[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            CropGroup cg = groups.get(g);
            tensors[g] = Tensor.of(data[g], cg.count() * batchSize, 3, cg.size(), cg.size());
        }
        pending = new MultiCropBatch(List.of(tensors), batchSize);
        resumePosition = last + 1;
        return true;
    }

    private void failIfNothingReadable() {
        if (imagesSeen == 0 && startPosition == 0) {
            close();
            Map<String, Long> s = skipped();
            throw new DataException("no readable image in " + sourceName
                    + (s.isEmpty() ? ": it is empty" : ": every file was skipped " + s));
        }
        if (imagesSeen < batchSize && startPosition == 0) {
            close();
            throw new DataException(sourceName + " has " + imagesSeen + " readable images, fewer than one "
                    + "batch of " + batchSize + " (skipped: " + skipped() + ")");
        }
    }

    @Override
    public MultiCropBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        MultiCropBatch b = pending;
        pending = null;
        return b;
    }

    @Override
    public Map<String, Long> skipped() {
        return MultiCropPipeline.sum(skipped);
    }

    @Override
    public long position() {
        return resumePosition;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (BlockingQueue<Item> q : queues) {
            q.clear();
        }
    }
}
