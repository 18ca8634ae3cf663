package org.seer4j.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code seer4j regnet}: describe a RegNet (stages, parameters, MACs). */
@Command(name = "regnet", mixinStandardHelpOptions = true, description = "Describe a RegNet: stages, params, MACs.")
public final class RegnetCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new IllegalStateException("regnet command is being written");
    }
}
