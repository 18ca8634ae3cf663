package org.seer4j.app.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.concurrent.Callable;
import org.seer4j.app.progress.ConsoleProgress;
import org.seer4j.app.compare.ResidentMemory;
import org.seer4j.app.memory.AvailableMemory;
import org.seer4j.app.memory.MemoryException;
import org.seer4j.app.memory.PlanReport;
import org.seer4j.app.run.Pretraining;
import org.seer4j.core.distributed.WorkerEnvironment;
import org.seer4j.core.memory.MemoryPlan;
import org.seer4j.core.memory.MemoryPlanner;
import org.seer4j.app.run.RunFolder;
import org.seer4j.app.wiring.DataSources;
import org.seer4j.app.wiring.Injectors;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.usecase.PretrainUseCase.Summary;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code seer4j pretrain}: SwAV pretraining as configured, resumable, stoppable with Ctrl-C. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"SwAV pretraining of a RegNet on unlabelled images, as configured.",
                "Writes config.yaml, metrics.jsonl, checkpoints/ and report.html into the run folder. Rerunning "
                        + "with the same --out resumes from its latest checkpoint; Ctrl-C stops after writing one."})
public final class PretrainCommand implements Callable<Integer> {
    @Mixin
    RunOptions config;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run folder (default: output.dir, else runs/<time>-<config name>).")
    Path out;

    @Option(names = "--ignore-memory-plan",
            description = "start even when the memory plan's peak exceeds the memory available (see seer4j plan)")
    boolean ignoreMemoryPlan;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunConfig run = config.loadForTraining(DataSources::imagesPerEpoch);
        MemoryPlan plan = checkMemory(run);
        Path dir = RunFolder.choose(out, run, config.name(), LocalDateTime.now());
        Summary s;
        try {
            s = new Pretraining(Injectors.forRun(run, ConsoleProgress.standard(spec.commandLine().getOut())),
                    spec.commandLine().getOut()).run(run, dir, config.name());
        } catch (RuntimeException e) {
            // the Java heap's OutOfMemoryError is an Error and ends through Failure; this is the engines' native one
            if (!MemoryException.isOutOfMemory(e)) throw e;
            throw MemoryException.ranOut(PlanReport.refusal(plan, "out of memory during the run: "
                    + MemoryException.what(e)), e);
        }
        return s.stopped() ? 130 : 0;
    }

    /** Prints the memory plan and refuses a run whose peak exceeds the memory available (exit 2). */
    private MemoryPlan checkMemory(RunConfig run) {
        WorkerEnvironment worker = WorkerEnvironment.from(System.getenv());
        int world = worker.worldSize();
        MemoryPlan plan = MemoryPlanner.plan(run, world);
        AvailableMemory available = AvailableMemory.now(new ResidentMemory().bytes());
        String table = PlanReport.table(plan, PlanCommand.describe(run, world), available);
        if (worker.rank() == 0) {
            spec.commandLine().getOut().print(table);
            spec.commandLine().getOut().flush();
        } else {
            // a job's console shows rank 0's plan; each worker's own (its node's memory) stays in its log
            LoggerFactory.getLogger(PretrainCommand.class).info("{}", table);
        }
        if (!ignoreMemoryPlan && plan.peakBytes() > available.bytes()) {
            throw MemoryException.refused(PlanReport.refusal(plan, "not starting: the run needs more memory than the "
                    + MemoryPlan.gib(available.bytes()) + " available (" + available.source()
                    + "; --ignore-memory-plan starts anyway)"));
        }
        return plan;
    }
}
