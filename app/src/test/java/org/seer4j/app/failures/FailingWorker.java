package org.seer4j.app.failures;

import java.util.concurrent.Callable;
import org.seer4j.app.Cli;
import picocli.CommandLine.Command;

/**
 * A {@code seer4j launch} worker run through seer4j's own command line handling: rank 1 fails the way a training
 * step fails at run time (an unexpected exception), rank 0 would have gone on.
 */
@Command(name = "step")
public final class FailingWorker implements Callable<Integer> {
    static final String MESSAGE = "queue of 128 embeddings cannot take a batch of 192";

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new FailingWorker()).execute());
    }

    @Override
    public Integer call() throws Exception {
        if ("1".equals(System.getenv("RANK"))) {
            throw new IllegalStateException(MESSAGE);
        }
        Thread.sleep(60_000); // stopped by launch once rank 1 has failed
        return 0;
    }
}
