package org.seer4j.data.metrics;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import org.seer4j.core.port.MetricsRecord;

/**
 * Metrics as a TensorBoard event file, {@code events.out.tfevents.<seconds>.<host>} in the run folder: per logged
 * step the scalars {@code loss}, {@code lr}, {@code images_per_second}, {@code data_wait_ms} and {@code skipped/<reason>}. Each process
 * starts its own file (a resumed run adds one; TensorBoard reads every file of the folder). Every event is flushed
 * as it is written, so TensorBoard follows a running job and a crash loses at most the record being written.
 */
public final class TensorBoardMetricsSink implements org.seer4j.core.port.MetricsSink {
    public static final String PREFIX = "events.out.tfevents.";

    private final OutputStream out;
    private final DoubleSupplier clock;
    private final Path file;

    /** A new event file in {@code runDir}, named for the current time and this host. */
    public TensorBoardMetricsSink(Path runDir) throws IOException {
        this(runDir, () -> System.currentTimeMillis() / 1000.0, host());
    }

    TensorBoardMetricsSink(Path runDir, DoubleSupplier clock, String host) throws IOException {
        this.clock = clock;
        Files.createDirectories(runDir);
        double now = clock.getAsDouble();
        Path f = runDir.resolve(PREFIX + (long) now + "." + host);
        for (int k = 1; Files.exists(f); k++) {
            f = runDir.resolve(PREFIX + (long) now + "." + host + "." + k); // two processes within a second
        }
        this.file = f;
        this.out = new BufferedOutputStream(Files.newOutputStream(f, StandardOpenOption.CREATE_NEW));
        write(TensorBoardEvents.fileVersion(now));
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void record(MetricsRecord r) {
        write(TensorBoardEvents.scalars(clock.getAsDouble(), r.step(), scalars(r)));
    }

    /** The scalars of one record, by tag. */
    static Map<String, Double> scalars(MetricsRecord r) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", r.loss());
        values.put("lr", r.lr());
        values.put("images_per_second", r.imagesPerSecond());
        values.put("data_wait_ms", r.dataWaitMs());
        for (Map.Entry<String, Long> e : new TreeMap<>(r.skipped()).entrySet()) {
            values.put("skipped/" + e.getKey(), (double) e.getValue());
        }
        return values;
    }

    private void write(byte[] event) {
        try {
            TfRecords.write(out, event);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TensorBoard event file " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the TensorBoard event file " + file, e);
        }
    }

    private static String host() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            return h.isBlank() ? "localhost" : h.replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (IOException e) {
            return "localhost";
        }
    }
}
