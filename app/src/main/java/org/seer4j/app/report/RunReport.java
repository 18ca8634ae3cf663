package org.seer4j.app.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.data.io.AtomicFiles;

/**
 * The {@code report.html} of a pretraining run: one self-contained page (inline SVG, inline CSS, no scripts) with
 * the loss, learning-rate and throughput curves, skipped images, a summary, the provenance and the effective
 * configuration.
 */
public final class RunReport {
    private final String title;
    private final List<MetricsRecord> records;
    private final Map<String, String> summary;
    private final Map<String, String> provenance;
    private final String config;

    /**
     * @param summary    headline facts in display order (steps, final loss, wall time...)
     * @param provenance engine, versions, seed, data, git commit...
     * @param config     the effective YAML
     */
    public RunReport(String title, List<MetricsRecord> records, Map<String, String> summary,
                     Map<String, String> provenance, String config) {
        this.title = title;
        this.records = List.copyOf(records);
        this.summary = summary;
        this.provenance = new TreeMap<>(provenance);
        this.config = config;
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, html());
    }

    public String html() {
        int n = records.size();
        double[] step = new double[n];
        double[] loss = new double[n];
        double[] lr = new double[n];
        double[] ips = new double[n];
        double[] wait = new double[n];
        for (int i = 0; i < n; i++) {
            MetricsRecord r = records.get(i);
            step[i] = r.step();
            loss[i] = r.loss();
            lr[i] = r.lr();
            ips[i] = r.imagesPerSecond();
            wait[i] = r.dataWaitMs();
        }
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(title)).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:60em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;")
                .append("text-align:left}pre{background:#f6f6f6;padding:1em;overflow:auto}")
                .append("figure{margin:1em 0}</style></head><body>\n");
        h.append("<h1>").append(Html.escape(title)).append("</h1>\n");
        table(h, "Summary", summary);
        h.append("<h2>Training curves</h2>\n");
        h.append("<figure id=\"loss\">").append(SvgChart.line("SwAV loss", "step", "loss", step, loss, "#c0392b"))
                .append("</figure>\n");
        h.append("<figure id=\"lr\">").append(SvgChart.line("Learning rate", "step", "lr", step, lr, "#2471a3"))
                .append("</figure>\n");
        h.append("<figure id=\"throughput\">")
                .append(SvgChart.line("Throughput", "step", "images/s", step, ips, "#229954")).append("</figure>\n");
        // a step that waits for its batch is bounded by the data pipeline, not by the engine
        h.append("<figure id=\"data-wait\">").append(SvgChart.line("Waiting for data (mean per step)", "step",
                "ms", step, wait, "#7d3c98")).append("</figure>\n");
        Map<String, String> skipped = new TreeMap<>();
        if (n > 0) {
            records.get(n - 1).skipped().forEach((k, v) -> skipped.put(k, Long.toString(v)));
        }
        if (skipped.isEmpty()) {
            h.append("<h2>Skipped images</h2>\n<p>None: every image was read.</p>\n");
        } else {
            table(h, "Skipped images", skipped);
        }
        table(h, "Provenance", provenance);
        h.append("<h2>Configuration</h2>\n<pre id=\"config\">").append(Html.escape(config)).append("</pre>\n");
        h.append("<h2>Metrics</h2>\n<table id=\"metrics\"><tr><th>step</th><th>epoch</th><th>loss</th><th>lr</th>"
                + "<th>images/s</th><th>data wait (ms/step)</th></tr>\n");
        for (MetricsRecord r : thin(records, 200)) {
            h.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%.5f</td><td>%.6g</td><td>%.1f</td>"
                    + "<td>%.1f</td></tr>%n", r.step(), r.epoch(), r.loss(), r.lr(), r.imagesPerSecond(), r.dataWaitMs()));
        }
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }

    /** At most about {@code max} rows, evenly spread, always with the last. */
    private static List<MetricsRecord> thin(List<MetricsRecord> all, int max) {
        if (all.size() <= max) {
            return all;
        }
        int every = (all.size() + max - 1) / max;
        List<MetricsRecord> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += every) {
            out.add(all.get(i));
        }
        if (out.get(out.size() - 1) != all.get(all.size() - 1)) {
            out.add(all.get(all.size() - 1));
        }
        return out;
    }

    private static void table(StringBuilder h, String heading, Map<String, String> rows) {
        h.append("<h2>").append(Html.escape(heading)).append("</h2>\n<table>");
        rows.forEach((k, v) -> h.append("<tr><th>").append(Html.escape(k)).append("</th><td>")
                .append(Html.escape(v)).append("</td></tr>"));
        h.append("</table>\n");
    }
}
