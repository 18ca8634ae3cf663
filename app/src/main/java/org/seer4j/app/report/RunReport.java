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
 * The {@code report.html} of a pretraining run: one self-contained page (inline SVG and PNG data URIs, inline CSS,
 * no scripts) with the loss, learning-rate and throughput curves, the first batch's views, skipped images, a
 * summary, the evaluation and nearest-neighbour grid once {@code eval} has run, the provenance and the effective
 * configuration.
 */
public final class RunReport {
    /** Display width of the largest crop in the view strip, CSS pixels. */
    private static final int VIEW_WIDTH = 96;
    private static final int THUMB_WIDTH = 72;

    private final String title;
    private final List<MetricsRecord> records;
    private final Map<String, String> summary;
    private final Map<String, String> provenance;
    private final String config;
    private final ViewStrip views;
    private final EvalResult pretrained;
    private final EvalResult randomInit;
    private final NeighbourGrid neighbours;

    /**
     * @param summary    headline facts in display order (steps, final loss, wall time...)
     * @param provenance engine, versions, seed, data, git commit...
     * @param config     the effective YAML
     */
    public RunReport(String title, List<MetricsRecord> records, Map<String, String> summary,
                     Map<String, String> provenance, String config) {
        this(new ReportData(title, summary, provenance, config, null), records, null, null, null);
    }

    /** The report of a run folder: what pretraining kept, its metrics, and what {@code eval} found (each may be null). */
    public RunReport(ReportData data, List<MetricsRecord> records, EvalResult pretrained, EvalResult randomInit,
                     NeighbourGrid neighbours) {
        this.title = data.title();
        this.records = List.copyOf(records);
        this.summary = data.summary();
        this.provenance = new TreeMap<>(data.provenance());
        this.config = data.config();
        this.views = data.views();
        this.pretrained = pretrained;
        this.randomInit = randomInit;
        this.neighbours = neighbours;
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
        for (int i = 0; i < n; i++) {
            MetricsRecord r = records.get(i);
            step[i] = r.step();
            loss[i] = r.loss();
            lr[i] = r.lr();
            ips[i] = r.imagesPerSecond();
        }
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(title)).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:60em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;")
                .append("text-align:left}pre{background:#f6f6f6;padding:1em;overflow:auto}")
                .append("figure{margin:1em 0}img{image-rendering:pixelated;vertical-align:top}")
                .append("table.pictures td,table.pictures th{border:none;padding:2px;text-align:center;font-size:80%}")
                .append(".same{outline:3px solid #229954}.other{outline:3px solid #c0392b}</style></head><body>\n");
        h.append("<h1>").append(Html.escape(title)).append("</h1>\n");
        table(h, "Summary", summary);
        h.append("<h2>Training curves</h2>\n");
        h.append("<figure id=\"loss\">").append(SvgChart.line("SwAV loss", "step", "loss", step, loss, "#c0392b"))
                .append("</figure>\n");
        h.append("<figure id=\"lr\">").append(SvgChart.line("Learning rate", "step", "lr", step, lr, "#2471a3"))
                .append("</figure>\n");
        h.append("<figure id=\"throughput\">")
                .append(SvgChart.line("Throughput", "step", "images/s", step, ips, "#229954")).append("</figure>\n");
        viewStrip(h);
        evaluation(h);
        neighbourGrid(h);
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
                + "<th>images/s</th></tr>\n");
        for (MetricsRecord r : thin(records, 200)) {
            h.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%.5f</td><td>%.6g</td><td>%.1f</td></tr>%n",
                    r.step(), r.epoch(), r.loss(), r.lr(), r.imagesPerSecond()));
        }
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }

    private void viewStrip(StringBuilder h) {
        if (views == null || views.rows().isEmpty()) return;
        int largest = views.sizes().stream().mapToInt(Integer::intValue).max().orElse(1);
        h.append("<h2>First batch as the engine received it</h2>\n<p>Each row one image, each column one of its ")
                .append("crops (")
                .append(views.sizes().stream().map(s -> s + " px").reduce((a, b) -> a + ", " + b).orElse(""))
                .append("), de-normalised.</p>\n<table class=\"pictures\" id=\"views\">");
        for (List<String> row : views.rows()) {
            h.append("<tr>");
            for (int c = 0; c < row.size(); c++) {
                int size = views.sizes().get(c);
                h.append("<td>").append(Pictures.img(row.get(c), Math.max(8, size * VIEW_WIDTH / largest),
                        "crop " + (c + 1) + ", " + size + " px")).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private void evaluation(StringBuilder h) {
        if (pretrained == null && randomInit == null) return;
        h.append("<h2>Evaluation</h2>\n<table id=\"eval\"><tr><th>protocol</th><th>pretrained</th>")
                .append("<th>random init</th></tr>\n");
        EvalResult any = pretrained != null ? pretrained : randomInit;
        h.append("<tr><th>linear probe top-1</th>").append(cell(pretrained, true)).append(cell(randomInit, true))
                .append("</tr>\n");
        h.append("<tr><th>kNN top-1 (k=").append(any.knnK()).append(", T=").append(any.knnTemperature())
                .append(")</th>").append(cell(pretrained, false)).append(cell(randomInit, false)).append("</tr>\n");
        h.append("<tr><th>images (train / test)</th>").append(images(pretrained)).append(images(randomInit))
                .append("</tr>\n</table>\n");
    }

    private static String cell(EvalResult r, boolean linear) {
        if (r == null) return "<td>not run</td>";
        double v = linear ? r.linearTop1() : r.knnTop1();
        return Double.isNaN(v) ? "<td>not run</td>" : String.format(Locale.ROOT, "<td>%.2f%%</td>", 100 * v);
    }

    private static String images(EvalResult r) {
        return r == null ? "<td></td>" : "<td>" + r.trainImages() + " / " + r.testImages() + "</td>";
    }

    private void neighbourGrid(StringBuilder h) {
        if (neighbours == null || neighbours.rows().isEmpty()) return;
        h.append("<h2>Nearest neighbours</h2>\n<p>Test images (left) and the training images closest to them by ")
                .append("cosine similarity of the pretrained trunk's features; a green frame marks the same label, ")
                .append("a red one another.</p>\n<table class=\"pictures\" id=\"neighbours\">");
        for (NeighbourGrid.Row row : neighbours.rows()) {
            NeighbourGrid.Cell q = row.query();
            h.append("<tr><td>").append(Pictures.img(q.png(), THUMB_WIDTH, q.id())).append("<br>label ")
                    .append(q.label()).append("</td><td>&rarr;</td>");
            for (NeighbourGrid.Cell n : row.nearest()) {
                h.append("<td><span class=\"").append(n.label() == q.label() ? "same" : "other").append("\">")
                        .append(Pictures.img(n.png(), THUMB_WIDTH, n.id())).append("</span><br>")
                        .append(String.format(Locale.ROOT, "%.3f, label %d", n.similarity(), n.label()))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
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
