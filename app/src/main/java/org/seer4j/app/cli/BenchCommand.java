package org.seer4j.app.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.seer4j.app.UserException;
import org.seer4j.app.bench.BenchReport;
import org.seer4j.app.bench.BenchWorkload;
import org.seer4j.app.bench.Benchmark;
import org.seer4j.app.engine.Collectives;
import org.seer4j.app.engine.Engines;
import org.seer4j.core.port.Collective;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code seer4j bench}: the standard SwAV training step, timed, with MFU against the engine's own sgemm. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time the standard SwAV training step: images/s, GFLOP/s, sgemm, MFU, peak RSS.",
                "Workload: RegNetY-400MF, head 440-512-128 (BN), 1000 prototypes, crops 2x96 + 4x48 of random",
                "data, batch 16, SGD with momentum; warm-up steps, then the median (and fastest) of timed steps.",
                "--rounds N repeats the timed steps N times and reports each round and the spread; --profile adds",
                "the time per operation kind (convolutions by kind, BN, activations, head, Sinkhorn, optimizer)."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--backend", defaultValue = "djl", description = "engine: djl or tensorflow (default djl)")
    String backend;
    @Option(names = "--steps", defaultValue = "7", description = "timed steps; the median counts (default 7)")
    int steps;
    @Option(names = "--rounds", defaultValue = "1", description = "measured rounds of --steps steps each (default 1)")
    int rounds;
    @Option(names = "--profile", description = "after the rounds, profile steps and print the time per op kind")
    boolean profile;
    @Option(names = "--profile-steps", defaultValue = "3", description = "profiled steps averaged (default 3)")
    int profileSteps;
    @Option(names = "--warmup", defaultValue = "2", description = "untimed steps first, at least 1; the first "
            + "is reported as preparation (default 2)")
    int warmup;
    @Option(names = "--threads", defaultValue = "2", description = "intra-op threads (default 2)")
    int threads;
    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu")
    String device;
    @Option(names = "--sync-bn-group-size", defaultValue = "0", description = "under launch: workers that share "
            + "BN statistics (0: all, 1: each its own batch; as backend.sync_bn_group_size)")
    int syncBnGroupSize;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
        if (steps < 1) throw new UserException("--steps must be >= 1, got " + steps);
        if (warmup < 1) throw new UserException("--warmup must be >= 1, got " + warmup);
        if (rounds < 1) throw new UserException("--rounds must be >= 1, got " + rounds);
        if (profileSteps < 1) throw new UserException("--profile-steps must be >= 1, got " + profileSteps);
        if (threads < 1) throw new UserException("--threads must be >= 1, got " + threads);
        if (syncBnGroupSize < 0) throw new UserException("--sync-bn-group-size must be >= 0, got " + syncBnGroupSize);
        // under `seer4j launch` each worker runs the standard step data-parallel (global batch 16 x workers)
        BenchReport r;
        try (Collective collective = Collectives.fromEnvironment(System.getenv(),
                Collectives.timeout(System.getenv()), backend)) {
            r = new Benchmark(Engines.byName(backend), BenchWorkload.standard(device, threads)
                    .withCollective(collective, syncBnGroupSize)).run(warmup, steps, rounds, profile ? profileSteps : 0);
            if (collective.rank() != 0) return 0;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? r.json() : r.text());
        out.flush();
        return 0;
    }
}
