package org.seer4j.app.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.seer4j.app.Failure;
import org.seer4j.app.UserException;
import org.seer4j.app.WorkerFailedException;
import org.seer4j.core.distributed.NodeLaunch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code seer4j launch}: this node's data-parallel workers of one seer4j command, each a JVM with torchrun's
 * variables ({@code RANK}, {@code LOCAL_RANK}, {@code WORLD_SIZE}, {@code NODE_RANK}, {@code MASTER_ADDR},
 * {@code MASTER_PORT}) set, with torchrun's flags: {@code --nproc N} on one machine, or {@code --nnodes N
 * --node-rank R --nproc-per-node P --master-addr HOST --master-port PORT [--local-addr ADDR]} on each of N machines
 * (missing ones come from SLURM's or a Kubernetes indexed Job's variables, {@link NodeLaunch}). The workers meet
 * through rank 0's rendezvous on the master port and each listens on its own node's address. Output lines carry
 * the rank; only rank 0 shows progress (every rank logs in full to the run folder's {@code logs/rank-N.log}).
 * When a worker fails, the others get {@code --grace} seconds to stop on their own (their collective calls fail
 * once the dead peer's server is gone), then they are killed: the job never hangs. The job then ends with one
 * line naming the first rank that failed and the last error it reported.
 */
@Command(name = "launch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start this node's data-parallel workers of a seer4j command (torchrun's flags and variables).",
                "One machine:  seer4j launch --nproc 2 pretrain --config run.yaml",
                "Each of N:    seer4j launch --nnodes N --node-rank R --nproc-per-node P --master-addr HOST"
                        + " --master-port PORT pretrain ..."})
public final class LaunchCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(LaunchCommand.class);
    /** How a seer4j command reports its failure (see Cli): the line launch repeats when that rank fails. */
    private static final String ERROR_PREFIX = "seer4j: ";
    /**
     * TensorFlow's native log lines (the collective's gRPC server, graph passes; before absl is initialised the
     * time reads {@code 00:00:<epoch seconds>}). TF 2.18 logs them through absl
     * before absl::InitializeLog(), which writes to stderr whatever TF_CPP_MIN_LOG_LEVEL says; launch turns them
     * into records of {@link #NATIVE}, shown like any engine's (WARN and up; INFO with --verbose).
     */
    private static final Pattern NATIVE_LINE = Pattern.compile(
            "([IWEF])\\d{4} \\d\\d:\\d\\d:\\d+\\.\\d+\\s+\\d+ \\S+:\\d+] .*"
                    + "|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: ([IWEF]) \\S+:\\d+] .*");
    private static final String ABSL_PREAMBLE =
            "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR";
    private static final Logger NATIVE = LoggerFactory.getLogger("org.tensorflow.native");

    @Option(names = {"--nproc-per-node", "--nproc"}, description = "worker processes on this node")
    Integer nproc;
    @Option(names = "--nnodes", description = "nodes of the job (default 1, or SLURM_NNODES)")
    Integer nnodes;
    @Option(names = "--node-rank", description = "this node, 0..nnodes-1 (default: SLURM_NODEID,"
            + " JOB_COMPLETION_INDEX or NODE_RANK)")
    Integer nodeRank;
    @Option(names = "--master-addr", description = "host of node 0, where rank 0 serves the rendezvous"
            + " (default: MASTER_ADDR, the first SLURM node, or 127.0.0.1 on one node)")
    String masterAddr;
    @Option(names = "--master-port", description = "port of the rendezvous on the master (default: MASTER_PORT or"
            + " 29500); each worker's collective server takes a free port of its own node")
    Integer masterPort;
    @Option(names = "--local-addr", description = "address this node's workers listen on and announce (default:"
            + " the one that reaches the master)")
    String localAddr;
    @Option(names = "--grace", defaultValue = "30",
            description = "seconds the others get to stop after a worker fails, before they are killed")
    int grace;
    @Option(names = "--main-class", hidden = true, defaultValue = "org.seer4j.app.Main")
    String mainClass;
    @Parameters(arity = "1..*", description = "the seer4j command each worker runs")
    List<String> command;

    @Override
    public Integer call() throws IOException, InterruptedException {
        NodeLaunch node;
        try {
            node = NodeLaunch.resolve(nnodes, nodeRank, nproc, masterAddr, masterPort, localAddr, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        if (grace < 0) throw new UserException("--grace must be >= 0, got " + grace);
        if (command.get(0).equals("launch")) throw new UserException("launch cannot launch itself");
        int local = node.procsPerNode();
        List<Process> workers = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        AtomicReferenceArray<String> lastErrors = new AtomicReferenceArray<>(local);
        try {
            for (int r = 0; r < local; r++) {
                ProcessBuilder pb = new ProcessBuilder(workerCommand()).redirectErrorStream(true);
                pb.environment().putAll(node.variables(r));
                // TensorFlow's C++ logging (the collective's gRPC server) reads this once, before Java can act
                pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
                Process p = pb.start();
                workers.add(p);
                pumps.add(pump(p.getInputStream(), node.rank(r), r, lastErrors, System.out));
            }
            return supervise(node, workers, pumps, lastErrors);
        } finally {
            for (Process p : workers) {
                if (p.isAlive()) p.destroyForcibly();
            }
            for (Thread t : pumps) t.join(2000);
        }
    }

    /** Waits for every worker; the first failure starts the grace period, after which the rest are killed. */
    private int supervise(NodeLaunch node, List<Process> workers, List<Thread> pumps,
                          AtomicReferenceArray<String> lastErrors) throws InterruptedException {
        int failedRank = -1;
        int failedCode = 0;
        long killAt = Long.MAX_VALUE;
        while (true) {
            boolean running = false;
            for (int r = 0; r < workers.size(); r++) {
                Process p = workers.get(r);
                if (p.isAlive()) {
                    running = true;
                } else if (p.exitValue() != 0 && failedRank < 0) {
                    failedRank = r;
                    failedCode = p.exitValue();
                    LOG.warn("rank {} exited with code {}; stopping the other workers (killed after {} s)",
                            node.rank(r), failedCode, grace);
                    killAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(grace);
                }
            }
            if (!running) break;
            if (System.nanoTime() > killAt) {
                for (int r = 0; r < workers.size(); r++) {
                    if (workers.get(r).isAlive()) {
                        LOG.warn("killing rank {} after the grace period", node.rank(r));
                        workers.get(r).destroyForcibly().waitFor();
                    }
                }
                break;
            }
            Thread.sleep(100);
        }
        if (failedRank >= 0) {
            pumps.get(failedRank).join(2000);
            String said = lastErrors.get(failedRank);
            int code = failedCode == Failure.BAD_INPUT || failedCode == Failure.INTERRUPTED ? failedCode
                    : Failure.RUNTIME;
            throw new WorkerFailedException("rank " + node.rank(failedRank) + (node.nnodes() > 1 ? " on node "
                    + node.nodeRank() : "") + " failed (exit code " + failedCode + ")"
                    + (said == null ? "" : ": " + said)
                    + (code == Failure.RUNTIME ? "; rerun the same command to resume from the last checkpoint" : ""),
                    code);
        }
        return 0;
    }

    /** The same JVM (binary, options, class path) running {@code mainClass command...}. */
    private List<String> workerCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // debugger agents would clash on their port; everything else (-Xmx, -D...) carries over
            if (!arg.startsWith("-agentlib:jdwp")) cmd.add(arg);
        }
        // properties set programmatically or by a test runner rather than on the command line
        String offline = System.getProperty("ai.djl.offline");
        if (offline != null && cmd.stream().noneMatch(a -> a.startsWith("-Dai.djl.offline="))) {
            cmd.add("-Dai.djl.offline=" + offline);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(command);
        return cmd;
    }

    /** Logs {@code line} as a record when it is one of TensorFlow's native log lines; false when it is not. */
    private static boolean nativeRecord(String message, String line) {
        if (line.equals(ABSL_PREAMBLE)) {
            NATIVE.debug(message);
            return true;
        }
        Matcher m = NATIVE_LINE.matcher(line);
        if (!m.matches()) {
            return false;
        }
        String severity = m.group(1) != null ? m.group(1) : m.group(2);
        switch (severity) {
            case "I" -> NATIVE.info(message);
            case "W" -> NATIVE.warn(message);
            default -> NATIVE.error(message);
        }
        return true;
    }

    /** Copies a worker's output, each line prefixed with its rank, remembering the last error line it printed. */
    private static Thread pump(InputStream in, int rank, int localRank, AtomicReferenceArray<String> lastErrors,
                               PrintStream out) {
        String prefix = "[rank " + rank + "] ";
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(ERROR_PREFIX)) {
                        lastErrors.set(localRank, line.substring(ERROR_PREFIX.length()));
                    }
                    if (nativeRecord(prefix + line, line)) {
                        continue;
                    }
                    synchronized (out) {
                        out.println(prefix + line);
                    }
                }
            } catch (IOException e) {
                // the worker's stream closed when it ended
            }
        }, "launch-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
