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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code seer4j launch --nproc N <command...>}: N local data-parallel workers of one seer4j command, each a JVM
 * with torchrun's variables ({@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code MASTER_ADDR},
 * {@code MASTER_PORT}) set, so each joins the others through the TF collective. Output lines carry the rank.
 * When a worker fails, the others get {@code --grace} seconds to stop on their own (their collective calls fail
 * once the dead peer's server is gone), then they are killed: the job never hangs. The job then ends with one
 * line naming the first rank that failed and the last error it reported.
 */
@Command(name = "launch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start N local data-parallel workers of a seer4j command (torchrun-style variables set).",
                "Example: seer4j launch --nproc 2 pretrain --config run.yaml"})
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

    @Option(names = "--nproc", required = true, description = "number of worker processes")
    int nproc;
    @Option(names = "--master-port", defaultValue = "29500",
            description = "first port; rank r's TF server listens on port + r (default 29500)")
    int masterPort;
    @Option(names = "--grace", defaultValue = "30",
            description = "seconds the others get to stop after a worker fails, before they are killed")
    int grace;
    @Option(names = "--main-class", hidden = true, defaultValue = "org.seer4j.app.Main")
    String mainClass;
    @Parameters(arity = "1..*", description = "the seer4j command each worker runs")
    List<String> command;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (nproc < 1) throw new UserException("--nproc must be >= 1, got " + nproc);
        if (masterPort < 1 || masterPort + nproc - 1 > 65535) {
            throw new UserException("--master-port " + masterPort + " leaves no room for " + nproc + " ports");
        }
        if (grace < 0) throw new UserException("--grace must be >= 0, got " + grace);
        if (command.get(0).equals("launch")) throw new UserException("launch cannot launch itself");
        List<Process> workers = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        AtomicReferenceArray<String> lastErrors = new AtomicReferenceArray<>(nproc);
        try {
            for (int r = 0; r < nproc; r++) {
                ProcessBuilder pb = new ProcessBuilder(workerCommand()).redirectErrorStream(true);
                pb.environment().put("RANK", Integer.toString(r));
                pb.environment().put("LOCAL_RANK", Integer.toString(r));
                pb.environment().put("WORLD_SIZE", Integer.toString(nproc));
                pb.environment().put("MASTER_ADDR", "127.0.0.1");
                pb.environment().put("MASTER_PORT", Integer.toString(masterPort));
                // TensorFlow's C++ logging (the collective's gRPC server) reads this once, before Java can act
                pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
                Process p = pb.start();
                workers.add(p);
                pumps.add(pump(p.getInputStream(), r, lastErrors, System.out));
            }
            return supervise(workers, pumps, lastErrors);
        } finally {
            for (Process p : workers) {
                if (p.isAlive()) p.destroyForcibly();
            }
            for (Thread t : pumps) t.join(2000);
        }
    }

    /** Waits for every worker; the first failure starts the grace period, after which the rest are killed. */
    private int supervise(List<Process> workers, List<Thread> pumps, AtomicReferenceArray<String> lastErrors)
            throws InterruptedException {
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
                    LOG.warn("rank {} exited with code {}; stopping the other workers (killed after {} s)", r,
                            failedCode, grace);
                    killAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(grace);
                }
            }
            if (!running) break;
            if (System.nanoTime() > killAt) {
                for (int r = 0; r < workers.size(); r++) {
                    if (workers.get(r).isAlive()) {
                        LOG.warn("killing rank {} after the grace period", r);
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
            throw new WorkerFailedException("rank " + failedRank + " failed (exit code " + failedCode + ")"
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
    private static Thread pump(InputStream in, int rank, AtomicReferenceArray<String> lastErrors, PrintStream out) {
        String prefix = "[rank " + rank + "] ";
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(ERROR_PREFIX)) {
                        lastErrors.set(rank, line.substring(ERROR_PREFIX.length()));
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
