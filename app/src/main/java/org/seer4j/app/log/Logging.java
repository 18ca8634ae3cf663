package org.seer4j.app.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * seer4j's one logging setup. Everything logs through SLF4J into logback: seer4j and DJL directly,
 * java.util.logging through {@link SLF4JBridgeHandler}, {@code System.Logger} through slf4j-jdk-platform-logging,
 * JavaCPP (TensorFlow's loader) through its {@code slf4j} logger. The console shows one line per record above the
 * progress bar ({@link TerminalAppender}, {@link ConsolePolicy}); a run's folder gets the full log in
 * {@code log.txt}, or, for the workers of a data-parallel job, each in {@code logs/rank-N.log}, where rank 0 alone
 * shows its progress and records on the console and the other ranks only their warnings and errors
 * ({@link #worker}). TensorFlow's native (C++) logging cannot be reached from Java: most of it obeys
 * {@code TF_CPP_MIN_LOG_LEVEL}, which the launcher and {@code seer4j launch} set for their processes; the few
 * lines TF 2.18 logs through absl before absl is initialised ignore it ({@code seer4j launch} turns its workers'
 * into records; a single TensorFlow process prints two such lines once, see docs/library.md).
 */
public final class Logging {
    public static final String RUN_LOG = "log.txt";
    private static final ConsolePolicy POLICY = new ConsolePolicy();
    private static TerminalAppender console;
    private static FileAppender<ILoggingEvent> runLog;
    private static Path runLogFile;
    private static int rank;
    private static int worldSize = 1;

    private Logging() {
    }

    /** Makes sure logback is configured and the JDK's and JavaCPP's logging is bridged into it; idempotent. */
    public static synchronized void install() {
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
            System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        }
        LoggerFactory.getILoggerFactory();
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /** Called once by logback ({@link LogConfigurator}) on its fresh context. */
    static synchronized void configure(LoggerContext context) {
        // java.util.logging loggers get logback's levels, so disabled JUL records are not even formatted
        LevelChangePropagator jul = new LevelChangePropagator();
        jul.setContext(context);
        jul.setResetJUL(true);
        jul.start();
        context.addListener(jul);
        console = new TerminalAppender();
        console.setContext(context);
        console.setName("console");
        console.addFilter(POLICY);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        // the loggers pass what the run's log file keeps; the console's policy filters further
        root.setLevel(Level.INFO);
        root.addAppender(console);
        context.getLogger(ConsolePolicy.OWN).setLevel(Level.DEBUG);
        context.getLogger(ConsolePolicy.PROGRESS).setLevel(Level.INFO);
        verbosity(POLICY.verbosity());
    }

    public static synchronized void verbosity(Verbosity v) {
        POLICY.verbosity(v);
        if (console != null) {
            console.stackTraces(v == Verbosity.VERBOSE);
        }
    }

    public static Verbosity verbosity() {
        return POLICY.verbosity();
    }

    /**
     * This process is worker {@code rank} of {@code worldSize}: a rank other than 0 shows only warnings and errors
     * on the console (unless {@code --verbose}), so that a job's console carries one worker's progress.
     */
    public static synchronized void worker(int rank, int worldSize) {
        Logging.rank = rank;
        Logging.worldSize = worldSize;
        POLICY.follower(rank > 0);
    }

    /** Whether this process shows progress on the console: not with {@code --quiet}, nor on ranks other than 0. */
    public static synchronized boolean showsProgress() {
        return POLICY.verbosity() != Verbosity.QUIET && rank == 0;
    }

    /** The full log of a run in {@code dir}: {@code log.txt}, or {@code logs/rank-N.log} for a job's worker. */
    public static Path runLog(Path dir, int rank, int worldSize) {
        return worldSize > 1 ? dir.resolve("logs").resolve("rank-" + rank + ".log") : dir.resolve(RUN_LOG);
    }

    /** Where failure messages send the user for the stack trace. */
    public static synchronized String runLogHint() {
        return "the run folder's " + (worldSize > 1 ? "logs/rank-" + rank + ".log" : RUN_LOG);
    }

    /** The name of the logger whose records (the progress lines) go to the run's log file only. */
    public static String progressLogger() {
        return ConsolePolicy.PROGRESS;
    }

    /** Appends every record from now on to {@code file} (a run folder's {@code log.txt}) as well. */
    public static synchronized void startRunLog(Path file) {
        install();
        if (file.equals(runLogFile)) {
            return;
        }
        stopRunLog();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(TerminalAppender.layout(context, TerminalAppender.PATTERN));
        encoder.start();
        FileAppender<ILoggingEvent> f = new FileAppender<>();
        f.setContext(context);
        f.setName("run-log");
        f.setFile(file.toString());
        f.setAppend(true);
        f.setEncoder(encoder);
        f.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(f);
        runLog = f;
        runLogFile = file;
    }

    /** Closes the run's log file, if one is open (the command has ended). */
    public static synchronized void stopRunLog() {
        if (runLog != null) {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(runLog);
            runLog.stop();
            runLog = null;
            runLogFile = null;
        }
    }
}
