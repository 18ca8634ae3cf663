package org.seer4j.app;

import org.seer4j.app.cli.AllReduceBenchCommand;
import org.seer4j.app.cli.BenchCommand;
import org.seer4j.app.cli.BenchDataCommand;
import org.seer4j.app.cli.CompareCommand;
import org.seer4j.app.cli.ConfigCommand;
import org.seer4j.app.cli.EmbedCommand;
import org.seer4j.app.cli.EvalCommand;
import org.seer4j.app.cli.ExportCommand;
import org.seer4j.app.cli.ForwardCommand;
import org.seer4j.app.cli.LaunchCommand;
import org.seer4j.app.cli.PlanCommand;
import org.seer4j.app.cli.PretrainCommand;
import org.seer4j.app.cli.QuickstartCommand;
import org.seer4j.app.cli.RegnetCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code seer4j} command line. Bad input exits with 2 and a message, never a stack trace. */
@Command(name = "seer4j", mixinStandardHelpOptions = true, version = "seer4j 0.1.0",
        description = "SEER-style self-supervised pretraining on the JVM: RegNet trunks, SwAV, DJL or TensorFlow.",
        subcommands = {QuickstartCommand.class, PretrainCommand.class, EvalCommand.class, EmbedCommand.class,
                RegnetCommand.class, ConfigCommand.class, ForwardCommand.class, BenchCommand.class,
                BenchDataCommand.class, ExportCommand.class, LaunchCommand.class, AllReduceBenchCommand.class,
                CompareCommand.class, PlanCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        try {
            return Cli.commandLine(new Main()).execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands Errors through: the Java heap ran out outside a command's own handling
            System.err.println("seer4j: out of memory: " + org.seer4j.app.memory.MemoryException.what(e)
                    + " (seer4j plan estimates what a configuration needs)");
            return 1;
        }
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
