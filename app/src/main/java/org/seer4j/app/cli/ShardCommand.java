package org.seer4j.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.seer4j.app.UserException;
import org.seer4j.data.webdataset.ShardWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code seer4j shard}: a folder of images written into WebDataset tar shards. */
@Command(name = "shard", mixinStandardHelpOptions = true,
        description = "Write a folder of images (searched recursively) into WebDataset shards "
                + "OUTDIR/shard-000000.tar, ... for data.source: webdataset. Each shard appears whole or not at all.")
public final class ShardCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Folder of images.")
    Path data;

    @Option(names = "--output", required = true, paramLabel = "OUTDIR", description = "Folder for the shards.")
    Path output;

    @Option(names = "--samples-per-shard", paramLabel = "N",
            description = "Samples per shard (default: ${DEFAULT-VALUE}).")
    int samplesPerShard = 1000;

    @Option(names = "--labelled", description = "First-level sub-folders are classes: each sample gets a .cls "
            + "member (class id in name order) and OUTDIR/classes.txt lists the names.")
    boolean labelled;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isDirectory(data)) {
            throw new UserException("--data " + data + " is not a folder");
        }
        if (samplesPerShard < 1) {
            throw new UserException("--samples-per-shard must be >= 1, got " + samplesPerShard);
        }
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new UserException("--output " + output + " is a file, not a folder");
        }
        ShardWriter.Summary s;
        try {
            s = ShardWriter.write(data, output, samplesPerShard, labelled);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserException("cannot write shards of " + data + " to " + output + ": " + e.getMessage(), e);
        }
        if (s.samples() == 0) {
            throw new UserException("no image files under " + data);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("wrote %d samples into %d shards in %s%s%n", s.samples(), s.shards(), output,
                s.skipped().isEmpty() ? "" : " (left out: " + s.skipped() + ")");
        out.flush();
        return 0;
    }
}
