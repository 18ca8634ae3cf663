package org.seer4j.djl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.seer4j.core.distributed.InProcessGroup;
import org.seer4j.core.port.Collective;

/** Data-parallel workers as threads of the test JVM: one per rank of a fresh {@link InProcessGroup}. */
final class InProcessWorkers {

    private InProcessWorkers() {
    }

    /** Runs {@code work} on one thread per rank, 60 s for each collective call; results in rank order. */
    static <T> List<T> run(int world, Function<Collective, T> work) throws Exception {
        return run(world, Duration.ofSeconds(60), work);
    }

    /** As {@link #run(int, Function)}, with {@code timeout} for each collective call. */
    static <T> List<T> run(int world, Duration timeout, Function<Collective, T> work) throws Exception {
        List<Collective> group = InProcessGroup.create(world, timeout);
        ExecutorService threads = Executors.newFixedThreadPool(world);
        try {
            List<Future<T>> futures = group.stream().map(c -> threads.submit(() -> work.apply(c))).toList();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    throw new AssertionError("a worker failed", e.getCause());
                }
            }
            return out;
        } finally {
            threads.shutdownNow();
        }
    }
}
