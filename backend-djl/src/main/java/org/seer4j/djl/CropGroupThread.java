package org.seer4j.djl;

import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A second thread for the trunk passes of the smaller crop groups, so that on CPU the groups run side by side with
 * the intra-op threads split between them instead of one after the other with all of them.
 *
 * <p>Why: libtorch's kernels scale poorly over a few threads on the small maps of a multi-crop step (BN, ReLU, SE
 * and the per-op call cost run at about 1.3x on 2 threads against 1), while the crop groups' trunk passes are
 * independent until the head. Two groups on one thread each keep both cores busy with whole kernels.
 *
 * <p>libtorch's intra-op thread count ({@code at::set_num_threads}: OpenMP's and MKL's counts) belongs to the
 * calling thread once set, so each side sets its own share before it works.
 */
final class CropGroupThread implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "seer4j-crop-groups");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong tasks = new AtomicLong();

    /**
     * Intra-op threads for the caller (first) and the side thread (second) out of {@code threads}, in proportion to
     * their work, each at least one.
     */
    static int[] split(int threads, long callerWork, long sideWork) {
        int side = (int) Math.max(1, Math.round(threads * (double) sideWork / (callerWork + sideWork)));
        side = Math.min(side, threads - 1);
        return new int[] {threads - side, side};
    }

    /** Runs {@code work} on the side thread with {@code threads} intra-op threads. */
    <T> Future<T> submit(int threads, Callable<T> work) {
        tasks.incrementAndGet();
        return thread.submit(() -> {
            JniUtils.setNumThreads(threads);
            return work.call();
        });
    }

    /** The side's result once it is done; its failure is rethrown as it was where possible. */
    static <T> T join(Future<T> side) {
        try {
            return side.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the crop-group thread worked", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }

    /** Waits for the side to stop, ignoring how it ended (the caller is already failing). */
    static void settle(Future<?> side) {
        try {
            side.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            // the caller's own failure is the one to report
        }
    }

    /** How many passes the side thread was given (tests check that steps used it). */
    long tasks() {
        return tasks.get();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
