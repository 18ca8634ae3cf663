package org.seer4j.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.seer4j.app.UserException;
import org.seer4j.core.port.ImageSource;
import org.seer4j.data.image.FolderSource;
import org.seer4j.data.image.IdxSource;
import org.seer4j.data.json.Json;
import org.seer4j.data.views.PipelineBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code seer4j bench-data}: how fast the data pipeline decodes and augments real images. */
@Command(name = "bench-data", mixinStandardHelpOptions = true,
        description = "Measure images/s and crops/s of decoding + multi-crop augmentation (2x224+6x96 and "
                + "2x96+4x48) on a folder of images.")
public final class BenchDataCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Folder of images (searched recursively), or 'sample' for the bundled Fashion-MNIST.")
    String data;

    @Option(names = "--workers", paramLabel = "N", description = "Decoding/augmentation threads (default: ${DEFAULT-VALUE}).")
    int workers = 1;

    @Option(names = "--images", paramLabel = "N", description = "Images timed per recipe (default: ${DEFAULT-VALUE}).")
    long images = 512;

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch = 32;

    @Option(names = "--recipe", paramLabel = "NAME", description = "Only this recipe: 2x224+6x96 or 2x96+4x48.")
    String recipe;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (workers < 1) {
            throw new UserException("--workers must be >= 1, got " + workers);
        }
        if (batch < 1 || images < batch) {
            throw new UserException("--images (" + images + ") must be at least one --batch (" + batch + ")");
        }
        List<PipelineBenchmark.Recipe> recipes = new ArrayList<>();
        for (PipelineBenchmark.Recipe r : PipelineBenchmark.standardRecipes()) {
            if (recipe == null || recipe.equals(r.name())) {
                recipes.add(r);
            }
        }
        if (recipes.isEmpty()) {
            throw new UserException("unknown --recipe '" + recipe + "' (2x224+6x96 or 2x96+4x48)");
        }
        List<PipelineBenchmark.Result> results = new ArrayList<>();
        ImageSource source = open();
        try {
            for (PipelineBenchmark.Recipe r : recipes) {
                results.add(PipelineBenchmark.run(source, r, workers, batch, images));
            }
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            // nothing readable, or a folder that cannot be listed: the user's data, not a bug
            throw new UserException(e.getMessage(), e);
        } finally {
            if (source instanceof FolderSource f) {
                f.close();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? json(source.describe(), results) : table(source.describe(), results));
        out.flush();
        return 0;
    }

    private ImageSource open() {
        if ("sample".equals(data)) {
            return IdxSource.sample(true);
        }
        Path p = Path.of(data);
        if (!Files.isDirectory(p)) {
            throw new UserException("--data " + data + " is not a folder");
        }
        return FolderSource.folder(p).build();
    }

    static String table(String source, List<PipelineBenchmark.Result> results) {
        StringBuilder b = new StringBuilder("data: ").append(source).append('\n');
        b.append(String.format(Locale.ROOT, "%-12s %7s %8s %10s %10s %s%n", "recipe", "workers", "images",
                "images/s", "crops/s", "skipped"));
        for (PipelineBenchmark.Result r : results) {
            b.append(String.format(Locale.ROOT, "%-12s %7d %8d %10.1f %10.1f %s%n", r.recipe(), r.workers(),
                    r.images(), r.imagesPerSecond(), r.cropsPerSecond(), r.skipped()));
        }
        return b.toString();
    }

    static String json(String source, List<PipelineBenchmark.Result> results) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PipelineBenchmark.Result r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("recipe", r.recipe());
            row.put("workers", r.workers());
            row.put("images", r.images());
            row.put("crops", r.crops());
            row.put("seconds", r.seconds());
            row.put("images_per_second", r.imagesPerSecond());
            row.put("crops_per_second", r.cropsPerSecond());
            row.put("skipped", r.skipped().values().stream().mapToLong(Long::longValue).sum());
            rows.add(row);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", source);
        m.put("results", rows);
        return Json.write(m) + "\n";
    }
}
