package org.seer4j.core.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import org.seer4j.core.port.BatchSource;
import org.seer4j.core.port.BatchStream;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.tensor.Tensor;

/**
 * Images 0..n-1 shuffled per (seed, epoch); the images in {@code bad} are skipped as {@code corrupt}. Each image
 * gives two 1x1 crops of value id and id + 0.25, so a batch's mean identifies which images it holds.
 */
final class FakeBatchSource implements BatchSource {
    final int n;
    final int batchSize;
    final Set<Integer> bad;
    final List<long[]> opens = new ArrayList<>();
    /** Runs before each batch is handed out (a test moves its clock here to make steps wait for data). */
    Runnable beforeBatch = () -> { };

    FakeBatchSource(int n, int batchSize, Set<Integer> bad) {
        this.n = n;
        this.batchSize = batchSize;
        this.bad = bad;
    }

    @Override
    public String describe() {
        return "fake images (" + n + ")";
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    int[] order(long seed, long epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random r = new Random(seed * 1_000_003L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    @Override
    public BatchStream open(long seed, long epoch, long startPosition) {
        opens.add(new long[] {epoch, startPosition});
        int[] order = order(seed, epoch);
        return new BatchStream() {
            int next = (int) startPosition;
            long position = startPosition;
            long skipped;
            MultiCropBatch pending;

            private void fill() {
                if (pending != null) {
                    return;
                }
                List<Integer> ids = new ArrayList<>();
                int at = next;
                long skippedHere = 0;
                while (at < n && ids.size() < batchSize) {
                    int id = order[at++];
                    if (bad.contains(id)) {
                        skippedHere++;
                    } else {
                        ids.add(id);
                    }
                }
                if (ids.size() < batchSize) {
                    return;
                }
                float[] data = new float[2 * batchSize * 3];
                for (int c = 0; c < 2; c++) {
                    for (int b = 0; b < batchSize; b++) {
                        for (int ch = 0; ch < 3; ch++) {
                            data[(c * batchSize + b) * 3 + ch] = ids.get(b) + 0.25f * c;
                        }
                    }
                }
                pending = new MultiCropBatch(List.of(Tensor.of(data, 2 * batchSize, 3, 1, 1)), batchSize);
                next = at;
                skipped += skippedHere;
            }

            @Override
            public boolean hasNext() {
                fill();
                return pending != null;
            }

            @Override
            public MultiCropBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                MultiCropBatch out = pending;
                pending = null;
                position = next;
                beforeBatch.run();
                return out;
            }

            @Override
            public Map<String, Long> skipped() {
                return skipped == 0 ? Map.of() : Map.of("corrupt", skipped);
            }

            @Override
            public long position() {
                return position;
            }

            @Override
            public void close() {
            }
        };
    }
}
