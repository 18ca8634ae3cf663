package org.seer4j.app;

import org.seer4j.app.log.Logging;
import org.seer4j.app.log.Verbosity;
import org.seer4j.core.distributed.WorkerEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Builds the picocli command line with seer4j's error handling: every failure ends with one line
 * ({@code seer4j: <what went wrong>}) and the exit code of {@link Failure}; the stack trace goes to the log only.
 */
public final class Cli {
    public static final int USAGE_ERROR = Failure.BAD_INPUT;
    private static final Logger LOG = LoggerFactory.getLogger(Cli.class);

    private Cli() {
    }

    public static CommandLine commandLine(Object command) {
        Logging.install();
        Logging.verbosity(Verbosity.NORMAL);
        try {
            WorkerEnvironment worker = WorkerEnvironment.from(System.getenv());
            Logging.worker(worker.rank(), worker.worldSize());
        } catch (IllegalArgumentException e) {
            // the command reports a broken environment itself, if it needs one
            Logging.worker(0, 1);
        }
        CommandLine cl = new CommandLine(command);
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cl.setExecutionStrategy(parsed -> {
            try {
                int code = runLast.execute(parsed);
                Logging.stopRunLog();
                return code;
            } catch (Error e) {
                // picocli hands only Exceptions to the handler below; an Error (out of memory) would escape raw
                throw new CommandLine.ExecutionException(parsed.commandSpec().commandLine(), e.toString(), e);
            }
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            Failure f = Failure.of(ex);
            LOG.debug("the command failed: {}", f.message(), ex);
            line.getErr().println("seer4j: " + f.message());
            line.getErr().flush();
            Logging.stopRunLog();
            return f.code();
        });
        CommandLine launch = cl.getSubcommands().get("launch");
        if (launch != null) {
            // everything after launch's own options belongs to the worker command, its options included
            launch.setStopAtPositional(true);
        }
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("seer4j: " + ex.getMessage());
            return USAGE_ERROR;
        });
        return cl;
    }
}
