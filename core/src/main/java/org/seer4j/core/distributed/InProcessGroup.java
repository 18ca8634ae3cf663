package org.seer4j.core.distributed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.seer4j.core.port.Collective;

/**
 * A group of workers that are threads of one process, each holding the {@link Collective} of its rank. Sums run
 * in rank order, so results do not depend on thread timing. Used to test data-parallel code paths without
 * processes, and to run several data-parallel workers on one machine without a network runtime.
 *
 * <p>A worker that stops calling (dies or diverges) makes the others fail after {@code timeout} with a
 * {@link CollectiveException} instead of hanging.
 */
public final class InProcessGroup {

    private final int worldSize;
    private final Duration timeout;
    private final CyclicBarrier barrier;
    private final Object[] slots;

    private InProcessGroup(int worldSize, Duration timeout) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        }
        this.worldSize = worldSize;
        this.timeout = timeout;
        this.barrier = new CyclicBarrier(worldSize);
        this.slots = new Object[worldSize];
    }

    /** One collective per rank, index = rank; each must be used by its own thread. */
    public static List<Collective> create(int worldSize, Duration timeout) {
        InProcessGroup group = new InProcessGroup(worldSize, timeout);
        List<Collective> members = new ArrayList<>(worldSize);
        for (int r = 0; r < worldSize; r++) {
            members.add(group.new Member(r));
        }
        return List.copyOf(members);
    }

    private void await(int rank, String operation) {
        try {
            barrier.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | BrokenBarrierException e) {
            throw new CollectiveException("rank " + rank + ": " + operation + " did not complete within " + timeout
                    + ": another worker of the " + worldSize + " stopped or diverged", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("rank " + rank + ": interrupted during " + operation, e);
        }
    }

    private void checkLengths(int rank, String operation, int length) {
        for (int r = 0; r < worldSize; r++) {
            int other = slots[r] instanceof float[] f ? f.length : slots[r] instanceof double[] d ? d.length : -1;
            if (other != length) {
                throw new CollectiveException("rank " + rank + ": " + operation + " of " + length
                        + " values, but rank " + r + " passed " + other, null);
            }
        }
    }

    private final class Member implements Collective {
        private final int rank;

        Member(int rank) {
            this.rank = rank;
        }

        public int rank() {
            return rank;
        }

        public int worldSize() {
            return worldSize;
        }

        public void allReduceSum(float[] buffer) {
            slots[rank] = buffer;
            await(rank, "allReduceSum");
            checkLengths(rank, "allReduceSum", buffer.length);
            float[] sum = new float[buffer.length];
            for (int r = 0; r < worldSize; r++) {
                float[] part = (float[]) slots[r];
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += part[i];
                }
            }
            // Nobody may overwrite its buffer before every rank has read it.
            await(rank, "allReduceSum");
            System.arraycopy(sum, 0, buffer, 0, sum.length);
        }

        public void allReduceSum(double[] buffer) {
            slots[rank] = buffer;
            await(rank, "allReduceSum");
            checkLengths(rank, "allReduceSum", buffer.length);
            double[] sum = new double[buffer.length];
            for (int r = 0; r < worldSize; r++) {
                double[] part = (double[]) slots[r];
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += part[i];
                }
            }
            await(rank, "allReduceSum");
            System.arraycopy(sum, 0, buffer, 0, sum.length);
        }

        public void broadcast(float[] buffer, int root) {
            if (root < 0 || root >= worldSize) {
                throw new IllegalArgumentException("broadcast root " + root + " is not a rank of " + worldSize);
            }
            slots[rank] = buffer;
            await(rank, "broadcast");
            checkLengths(rank, "broadcast", buffer.length);
            if (rank != root) {
                System.arraycopy((float[]) slots[root], 0, buffer, 0, buffer.length);
            }
            await(rank, "broadcast");
        }

        /** Sums only this rank's range, in rank order (the same sums an all-reduce gives there). */
        public void reduceScatterSum(float[] buffer, int[] bounds) {
            Collective.checkBounds(bounds, buffer.length, worldSize);
            slots[rank] = buffer;
            await(rank, "reduceScatterSum");
            checkLengths(rank, "reduceScatterSum", buffer.length);
            int from = bounds[rank];
            float[] sum = new float[bounds[rank + 1] - from];
            for (int r = 0; r < worldSize; r++) {
                float[] part = (float[]) slots[r];
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += part[from + i];
                }
            }
            await(rank, "reduceScatterSum");
            System.arraycopy(sum, 0, buffer, from, sum.length);
        }

        public void allGather(float[] buffer, int[] bounds) {
            Collective.checkBounds(bounds, buffer.length, worldSize);
            slots[rank] = buffer;
            await(rank, "allGather");
            checkLengths(rank, "allGather", buffer.length);
            for (int r = 0; r < worldSize; r++) {
                if (r != rank) {
                    System.arraycopy((float[]) slots[r], bounds[r], buffer, bounds[r], bounds[r + 1] - bounds[r]);
                }
            }
            // the owners' ranges are only read, never written, so one barrier keeps the next call from racing
            await(rank, "allGather");
        }

        public void barrier() {
            await(rank, "barrier");
        }
    }
}
