package org.seer4j.app;

import org.seer4j.core.config.ConfigException;
import org.seer4j.app.memory.MemoryException;
import picocli.CommandLine;

/** Builds the picocli command line with seer4j's error handling: user mistakes exit 2 with one clear message. */
public final class Cli {
    public static final int USAGE_ERROR = 2;

    private Cli() {
    }

    public static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof MemoryException m) {
                line.getErr().println("seer4j: " + m.getMessage());
                return m.exitCode();
            }
            if (MemoryException.isOutOfMemory(ex)) {
                line.getErr().println("seer4j: out of memory: " + MemoryException.what(ex)
                        + " (seer4j plan estimates what a configuration needs)");
                return 1;
            }
            if (ex instanceof ConfigException || ex instanceof UserException || ex instanceof IllegalArgumentException) {
                line.getErr().println("seer4j: " + ex.getMessage());
                return USAGE_ERROR;
            }
            throw ex;
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
