package org.seer4j.tensorflow;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Hands glibc's free heap pages back to the system, over and over, while a TensorFlow session runs a graph for the
 * first time.
 *
 * <p>That first run optimises the graph (Grappler works on copies of it), builds the executor and kernels, then
 * executes: the optimiser's temporaries are freed before the step's tensors exist, but glibc keeps the pages (the
 * launcher's trim threshold is high so that the DJL engine's freed tensors stay for the next step), and the step's
 * peak then stands on top of them: 62 MB of the bench step's peak RSS. Trimming while that run lasts returns them;
 * later runs allocate and free the same sizes, so they are not trimmed (trimming every step cost a third of the
 * speed). The trim is the JVM's own {@code System.trim_native_heap} diagnostic command ({@code malloc_trim}), which
 * JDK 17.0.9 and later have; without it this does nothing.
 */
final class NativeHeapTrim implements AutoCloseable {
    private static final String COMMAND = "systemTrimNativeHeap";
    /** Between trims, at least this long and ten times the last trim's time (at most a tenth of one core). */
    private static final long MIN_PAUSE_MS = 200;

    private final AtomicBoolean running = new AtomicBoolean(true);

    private NativeHeapTrim() {
    }

    /** Trims until {@link #close()}; a no-op where the JVM has no trim command. */
    static NativeHeapTrim whileOpen() {
        NativeHeapTrim t = new NativeHeapTrim();
        if (!Command.AVAILABLE) {
            t.running.set(false);
            return t;
        }
        Thread th = new Thread(t::loop, "seer4j-native-heap-trim");
        th.setDaemon(true);
        th.start();
        return t;
    }

    private void loop() {
        while (running.get()) {
            long t0 = System.nanoTime();
            if (!Command.trim()) return;
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            try {
                Thread.sleep(Math.max(MIN_PAUSE_MS, 10 * tookMs));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running.set(false);
    }

    /** The diagnostic command, looked up once. */
    private static final class Command {
        private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
        private static final ObjectName NAME = name();
        static final boolean AVAILABLE = NAME != null && available();

        private static ObjectName name() {
            try {
                return new ObjectName("com.sun.management:type=DiagnosticCommand");
            } catch (JMException e) {
                return null;
            }
        }

        private static boolean available() {
            try {
                for (var op : SERVER.getMBeanInfo(NAME).getOperations()) {
                    if (op.getName().equals(COMMAND)) return true;
                }
            } catch (JMException | RuntimeException e) {
                return false;
            }
            return false;
        }

        static boolean trim() {
            try {
                SERVER.invoke(NAME, COMMAND, new Object[] {null}, new String[] {String[].class.getName()});
                return true;
            } catch (JMException | RuntimeException e) {
                return false;
            }
        }
    }
}
