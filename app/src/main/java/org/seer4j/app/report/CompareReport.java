package org.seer4j.app.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.seer4j.app.run.JsonFiles;
import org.seer4j.core.usecase.CompareUseCase.EngineRun;
import org.seer4j.core.usecase.CompareUseCase.Result;
import org.seer4j.data.io.AtomicFiles;

/** The files of a backend comparison: {@code compare.json} for machines and {@code compare.html} for people. */
public final class CompareReport {
    public static final String JSON = "compare.json";
    public static final String HTML = "compare.html";
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

    private CompareReport() {
    }

    public static void write(Path dir, Result result, String configName, int batchSize, String memoryMeaning) {
        JsonFiles.write(dir.resolve(JSON), json(result, configName, batchSize, memoryMeaning));
        try {
            AtomicFiles.writeString(dir.resolve(HTML), html(result, configName, batchSize, memoryMeaning));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(HTML) + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Object> json(Result r, String configName, int batchSize, String memoryMeaning) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config", configName);
        m.put("steps", r.runs().get(0).losses().length);
        m.put("batch_size", batchSize);
        m.put("reference", r.runs().get(0).backend());
        List<Map<String, Object>> engines = new ArrayList<>();
        for (EngineRun run : r.runs()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("backend", run.backend());
            e.put("version", run.version());
            e.put("losses", run.losses());
            e.put("step_nanos", run.stepNanos());
            e.put("images_per_second", run.imagesPerSecond());
            e.put("memory_bytes", run.memoryBytes());
            engines.add(e);
        }
        m.put("engines", engines);
        m.put("memory_measure", memoryMeaning);
        m.put("max_loss_difference", r.maxLossDifference());
        m.put("max_relative_loss_difference", r.maxRelativeLossDifference());
        m.put("max_relative_weight_difference", r.maxRelativeWeightDifference());
        m.put("tolerance", r.tolerance());
        m.put("conformant", r.conformant());
        m.put("verdict", verdict(r));
        return m;
    }

    static String verdict(Result r) {
        return String.format(Locale.ROOT, "%s: the largest per-step loss difference is %.3g relative (%.3g absolute), "
                        + "tolerance %.3g relative", r.conformant() ? "conformant" : "NOT conformant",
                r.maxRelativeLossDifference(), r.maxLossDifference(), r.tolerance());
    }

    static String html(Result r, String configName, int batchSize, String memoryMeaning) {
        int steps = r.runs().get(0).losses().length;
        double[] x = new double[steps];
        for (int s = 0; s < steps; s++) x[s] = s + 1;
        List<SvgChart.Series> curves = new ArrayList<>();
        List<SvgChart.Series> diffs = new ArrayList<>();
        double[] ref = r.runs().get(0).losses();
        for (int e = 0; e < r.runs().size(); e++) {
            EngineRun run = r.runs().get(e);
            String colour = COLOURS[e % COLOURS.length];
            curves.add(new SvgChart.Series(run.backend(), run.losses(), colour));
            if (e > 0) {
                double[] d = new double[steps];
                for (int s = 0; s < steps; s++) d[s] = run.losses()[s] - ref[s];
                diffs.add(new SvgChart.Series(run.backend() + " - " + r.runs().get(0).backend(), d, colour));
            }
        }
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>seer4j compare: ")
                .append(Html.escape(configName)).append("</title><style>body{font-family:sans-serif;margin:2em}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                        + ".ok{color:#1a7f37}.bad{color:#cf222e}</style></head><body>");
        h.append("<h1>Backend comparison: ").append(Html.escape(configName)).append("</h1>");
        h.append("<p class=\"").append(r.conformant() ? "ok" : "bad").append("\"><strong>")
                .append(Html.escape(verdict(r))).append("</strong></p>");
        h.append(String.format(Locale.ROOT, "<p>%d steps of %d images, every engine from the same seeded weights on "
                        + "the same batches with the same step plans; the largest relative weight difference after "
                        + "the run is %.3g (per tensor, of its largest value).</p>", steps, batchSize,
                r.maxRelativeWeightDifference()));
        h.append(SvgChart.lines("SwAV loss", "step", "loss", x, curves));
        h.append(SvgChart.lines("Loss difference to the reference", "step", "loss difference", x, diffs));
        h.append("<h2>Throughput and memory</h2><table><tr><th>backend</th><th>version</th><th>images/s</th>"
                + "<th>median step ms</th><th>memory MiB</th></tr>");
        for (EngineRun run : r.runs()) {
            long[] sorted = run.stepNanos().clone();
            java.util.Arrays.sort(sorted);
            int n = sorted.length;
            double median = (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0) / 1e6;
            h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%.1f</td><td>%.1f</td><td>%.1f</td></tr>",
                    Html.escape(run.backend()), Html.escape(run.version()), run.imagesPerSecond(), median,
                    run.memoryBytes() / 1048576.0));
        }
        h.append("</table><p>Images/s: batch size over the median step time, so warm-up steps do not count. Memory: ")
                .append(Html.escape(memoryMeaning)).append(".</p></body></html>\n");
        return h.toString();
    }
}
