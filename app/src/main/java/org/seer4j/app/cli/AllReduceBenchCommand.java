package org.seer4j.app.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.seer4j.app.UserException;
import org.seer4j.app.engine.Collectives;
import org.seer4j.core.port.Collective;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code seer4j launch --nproc 2 bench-allreduce}: all-reduce bandwidth of the data-parallel collective for
 * buffers of several sizes. Reports the median time, the algorithm bandwidth (buffer bytes / time) and the bus
 * bandwidth (times 2(n-1)/n, the bytes a ring all-reduce moves per worker), as NCCL's tests define them.
 */
@Command(name = "bench-allreduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"All-reduce bandwidth between data-parallel workers; run under seer4j launch.",
                "Example: seer4j launch --nproc 2 bench-allreduce --sizes 1000000,10000000,100000000"})
public final class AllReduceBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--sizes", split = ",", defaultValue = "1000000,10000000,100000000",
            description = "buffer lengths in floats (default 1M, 10M, 100M)")
    List<Long> sizes;
    @Option(names = "--repeats", defaultValue = "5", description = "timed all-reduces per size; the median counts")
    int repeats;

    @Override
    public Integer call() {
        if (repeats < 1) throw new UserException("--repeats must be >= 1, got " + repeats);
        for (long n : sizes) {
            if (n < 1 || n > Integer.MAX_VALUE - 8) throw new UserException("--sizes entry " + n + " is out of range");
        }
        try (Collective c = Collectives.fromEnvironment(System.getenv(), Collectives.timeout(System.getenv()), null)) {
            if (c.worldSize() < 2) {
                throw new UserException("bench-allreduce needs several workers: run it as"
                        + " `seer4j launch --nproc 2 bench-allreduce`");
            }
            PrintWriter out = spec.commandLine().getOut();
            if (c.rank() == 0) {
                out.printf(Locale.ROOT, "all-reduce sum, %d workers, float32%n%12s %12s %14s %14s%n", c.worldSize(),
                        "floats", "median ms", "algbw GB/s", "busbw GB/s");
                out.flush();
            }
            for (long n : sizes) {
                float[] buffer = new float[(int) n];
                Arrays.fill(buffer, 1f);
                c.allReduceSum(buffer);
                double[] seconds = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    c.barrier();
                    long t0 = System.nanoTime();
                    c.allReduceSum(buffer);
                    seconds[i] = (System.nanoTime() - t0) / 1e9;
                }
                Arrays.sort(seconds);
                double median = seconds[repeats / 2];
                double algbw = n * 4.0 / median / 1e9;
                double busbw = algbw * 2.0 * (c.worldSize() - 1) / c.worldSize();
                if (c.rank() == 0) {
                    out.printf(Locale.ROOT, "%12d %12.1f %14.3f %14.3f%n", n, median * 1e3, algbw, busbw);
                    out.flush();
                }
            }
        }
        return 0;
    }
}
