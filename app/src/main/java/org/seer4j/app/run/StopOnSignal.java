package org.seer4j.app.run;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM during a training loop: the JVM's shutdown hook asks the loop to stop, then waits (up to ten
 * minutes) until the loop has written its checkpoint and {@link #close()} releases it, so nothing is half-written.
 */
final class StopOnSignal implements AutoCloseable {
    private static final long WAIT_SECONDS = 600;

    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    StopOnSignal(Runnable requestStop) {
        hook = new Thread(() -> {
            requestStop.run();
            try {
                done.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "seer4j-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The loop has ended: a waiting hook goes on, and a later signal no longer waits for anything. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and has just been released.
        }
    }
}
