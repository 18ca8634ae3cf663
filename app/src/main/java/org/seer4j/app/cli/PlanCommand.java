package org.seer4j.app.cli;

import java.util.concurrent.Callable;
import org.seer4j.app.bench.BenchWorkload;
import org.seer4j.app.compare.ResidentMemory;
import org.seer4j.app.memory.AvailableMemory;
import org.seer4j.app.memory.PlanReport;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.memory.EngineMemoryProfile;
import org.seer4j.core.memory.MemoryPlan;
import org.seer4j.core.memory.MemoryPlanner;
import org.seer4j.core.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code seer4j plan}: the estimated peak memory per worker of a training run, before anything is allocated. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Estimate a training run's peak memory per data-parallel worker: weights, gradients, "
                + "optimizer state, activations per crop group and engine workspace, for the configured engine "
                + "and switches (see docs/scale.md)."})
public final class PlanCommand implements Callable<Integer> {
    @Mixin
    RunOptions config;

    @Option(names = "--workers", defaultValue = "1",
            description = "data-parallel workers sharing train.batch_size (default 1)")
    int workers;

    @Option(names = "--bench", description = "plan the bench workload (RegNetY-400MF, batch 16, 2x96 + 4x48) on the "
            + "configured backend.name instead of the configuration's network")
    boolean bench;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (workers < 1) throw new IllegalArgumentException("--workers must be >= 1, got " + workers);
        RunConfig run = config.load();
        MemoryPlan plan;
        String what;
        int batch;
        if (bench) {
            BenchWorkload w = BenchWorkload.standard("cpu", 2);
            plan = MemoryPlanner.plan(w.model(), w.crops(), new MemoryPlanner.Switches(w.batch(), false, "float32",
                    true, 0, 2), EngineMemoryProfile.of(run.backend().name()));
            what = "the bench workload";
            batch = w.batch();
        } else {
            plan = MemoryPlanner.plan(run, workers);
            what = describe(run, workers);
            batch = run.train().batchSize() / workers;
        }
        AvailableMemory available = AvailableMemory.now(new ResidentMemory().bytes());
        spec.commandLine().getOut().print(json ? PlanReport.json(plan, available, batch) + "\n"
                : PlanReport.table(plan, what, available));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The run in a few words: network, batch, crops, switches. */
    public static String describe(RunConfig run, int workers) {
        StringBuilder crops = new StringBuilder();
        run.views().crops().forEach(g -> crops.append(crops.length() == 0 ? "" : " + ").append(g.count()).append('x')
                .append(g.size()));
        return run.model().arch() + ", head " + Models.definition(run).head().dims() + ", " + run.swav().prototypes()
                + " prototypes, batch " + run.train().batchSize() / workers + " per worker, crops " + crops
                + ", " + run.optim().name() + " state " + run.optim().stateDtype()
                + (run.train().activationCheckpointing() ? ", activation checkpointing" : "");
    }
}
