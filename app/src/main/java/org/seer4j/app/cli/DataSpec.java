package org.seer4j.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.seer4j.app.UserException;
import org.seer4j.core.config.DataConfig;
import org.seer4j.core.config.RunConfig;

/**
 * The {@code --data SPEC} shorthand of {@code eval} and {@code embed}: {@code sample}, a folder holding
 * MNIST-format IDX files, one IDX images file (its labels beside it), or a folder of images (class sub-folders
 * give labels).
 */
final class DataSpec {
    private DataSpec() {
    }

    static RunConfig apply(RunConfig c, String spec, boolean labelled) {
        if (spec == null) {
            return c;
        }
        int workers = c.data().workers();
        DataConfig d;
        if ("sample".equals(spec)) {
            d = new DataConfig("sample", null, null, false, workers);
        } else {
            Path p = Path.of(spec);
            if (Files.isDirectory(p) && holdsIdx(p)) {
                d = new DataConfig("idx", spec, null, false, workers);
            } else if (Files.isRegularFile(p) && p.getFileName().toString().contains("idx3-ubyte")) {
                Path labels = p.resolveSibling(p.getFileName().toString().replace("images-idx3", "labels-idx1"));
                d = new DataConfig("idx", spec, Files.isRegularFile(labels) && !labels.equals(p) ? labels.toString() : null,
                        false, workers);
            } else if (Files.exists(p)) {
                d = new DataConfig("folder", spec, null, labelled, workers);
            } else {
                throw new UserException("--data: " + spec + " is neither 'sample' nor an existing folder or file");
            }
        }
        return new RunConfig(c.model(), c.views(), c.swav(), c.optim(), c.train(), d, c.backend(), c.eval(), c.output());
    }

    private static boolean holdsIdx(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().contains("-idx3-ubyte"));
        } catch (IOException e) {
            return false;
        }
    }
}
