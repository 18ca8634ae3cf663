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
import org.seer4j.app.cli.ImportCommand;
import org.seer4j.app.cli.LaunchCommand;
import org.seer4j.app.cli.PlanCommand;
import org.seer4j.app.cli.PretrainCommand;
import org.seer4j.app.cli.QuickstartCommand;
import org.seer4j.app.cli.RegnetCommand;
import org.seer4j.app.cli.ShardCommand;
import org.seer4j.app.log.Logging;
import org.seer4j.app.log.Verbosity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code seer4j} command line. Every failure ends with one line and an exit code (2: bad input, 1: the run
 * failed, 130: Ctrl-C), never a stack trace unless {@code --verbose}.
 */
@Command(name = "seer4j", mixinStandardHelpOptions = true, version = "seer4j 0.1.0",
        description = "SEER-style self-supervised pretraining on the JVM: RegNet trunks, SwAV, DJL or TensorFlow.",
        subcommands = {QuickstartCommand.class, PretrainCommand.class, EvalCommand.class, EmbedCommand.class,
                RegnetCommand.class, ConfigCommand.class, ForwardCommand.class, BenchCommand.class,
                BenchDataCommand.class, ExportCommand.class, LaunchCommand.class, AllReduceBenchCommand.class,
                CompareCommand.class, ShardCommand.class, PlanCommand.class, ImportCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return Cli.commandLine(new Main()).execute(args);
    }

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Show debug records, the engines' INFO records and stack traces on the console.")
    void verbose(boolean on) {
        if (on) Logging.verbosity(Verbosity.VERBOSE);
    }

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Show only warnings, errors and results (no progress bar).")
    void quiet(boolean on) {
        if (on) Logging.verbosity(Verbosity.QUIET);
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
