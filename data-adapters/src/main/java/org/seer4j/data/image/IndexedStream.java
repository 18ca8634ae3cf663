package org.seer4j.data.image;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.seer4j.core.image.Shard;

/**
 * The stream shared by the sources: walks the positions of one shard in the epoch's order, maps each position
 * to an item through the {@link EpochOrder}, loads it, and skips and counts what cannot be loaded.
 */
final class IndexedStream<T> implements PositionedStream<T> {
    private final EpochOrder order;
    private final Shard shard;
    private final LongFunction<Loaded<T>> loader;
    private final Runnable onClose;
    private final Map<String, Long> skipped = new TreeMap<>();
    private long nextPosition;
    private T pending;
    private long pendingPosition = -1;
    private long position = -1;
    private boolean closed;

    IndexedStream(EpochOrder order, Shard shard, long startPosition, LongFunction<Loaded<T>> loader, Runnable onClose) {
        this(order, shard, startPosition, loader, onClose, Map.of());
    }

    /** {@code initialSkips}: counted before the epoch started (e.g. by a folder walk). */
    IndexedStream(EpochOrder order, Shard shard, long startPosition, LongFunction<Loaded<T>> loader, Runnable onClose,
                  Map<String, Long> initialSkips) {
        this.skipped.putAll(initialSkips);
        this.order = order;
        this.shard = shard;
        this.loader = loader;
        this.onClose = onClose;
        long start = Math.max(0, startPosition);
        // first position >= start that belongs to this shard
        long rem = Math.floorMod(start - shard.index(), (long) shard.count());
        this.nextPosition = rem == 0 ? start : start + shard.count() - rem;
    }

    @Override
    public boolean hasNext() {
        while (pending == null && !closed && nextPosition < order.size()) {
            long p = nextPosition;
            nextPosition += shard.count();
            Loaded<T> l = loader.apply(order.at(p));
            if (l.ok()) {
                pending = l.item();
                pendingPosition = p;
            } else {
                skipped.merge(l.reason().key(), 1L, Long::sum);
            }
        }
        return pending != null;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T out = pending;
        position = pendingPosition;
        pending = null;
        return out;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public Map<String, Long> skipped() {
        return Map.copyOf(skipped);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }
}
