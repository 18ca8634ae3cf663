package org.seer4j.app.report;

import java.util.Locale;

/**
 * A line chart as inline SVG: one series of (x, y) points, linear axes with round tick values, no scripts and
 * no external resources, so the report stays one self-contained file.
 */
public final class SvgChart {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 260;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;

    private SvgChart() {
    }

    /** One named line of a chart; a blank name leaves it out of the legend. */
    public record Series(String name, double[] y, String colour) {
    }

    /** The chart of {@code y} against {@code x}; non-finite points are left out. */
    public static String line(String title, String xLabel, String yLabel, double[] x, double[] y, String colour) {
        return lines(title, xLabel, yLabel, x, java.util.List.of(new Series("", y, colour)));
    }

    /** Several series against the same {@code x} on shared axes, with a legend of the named ones. */
    public static String lines(String title, String xLabel, String yLabel, double[] x, java.util.List<Series> series) {
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        int points = 0;
        for (Series line : series) {
            double[] y = line.y();
            if (x.length != y.length) {
                throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
            }
            for (int i = 0; i < x.length; i++) {
                if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                    x0 = Math.min(x0, x[i]);
                    x1 = Math.max(x1, x[i]);
                    y0 = Math.min(y0, y[i]);
                    y1 = Math.max(y1, y[i]);
                    points++;
                }
            }
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>",
                LEFT, Html.escape(title)));
        if (points == 0) {
            s.append("<text x=\"").append(WIDTH / 2).append("\" y=\"").append(HEIGHT / 2)
                    .append("\" text-anchor=\"middle\" fill=\"#666\">no data</text></svg>");
            return s.toString();
        }
        double[] xt = ticks(x0, x1);
        double[] yt = ticks(y0, y1);
        double xa = xt[0];
        double xb = xt[xt.length - 1];
        double ya = yt[0];
        double yb = yt[yt.length - 1];
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>", LEFT, TOP, plotW, plotH));
        for (double t : xt) {
            double px = LEFT + (t - xa) / (xb - xa) * plotW;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                    px, TOP, px, TOP + plotH, px, TOP + plotH + 15, label(t)));
        }
        for (double t : yt) {
            double py = TOP + plotH - (t - ya) / (yb - ya) * plotH;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>",
                    LEFT, py, LEFT + plotW, py, LEFT - 5, py + 4, label(t)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>",
                LEFT + plotW / 2, HEIGHT - 5, Html.escape(xLabel)));
        s.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 14 %d)\">%s</text>", TOP + plotH / 2, TOP + plotH / 2, Html.escape(yLabel)));
        int legend = 0;
        for (Series line : series) {
            double[] y = line.y();
            s.append("<polyline fill=\"none\" stroke=\"").append(line.colour()).append("\" stroke-width=\"1.5\" points=\"");
            for (int i = 0; i < x.length; i++) {
                if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                    double px = LEFT + (x[i] - xa) / (xb - xa) * plotW;
                    double py = TOP + plotH - (y[i] - ya) / (yb - ya) * plotH;
                    s.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                }
            }
            s.append("\"/>");
            if (line.name() != null && !line.name().isBlank()) {
                int ly = TOP + 14 + 16 * legend++;
                s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                        + "stroke-width=\"2\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", WIDTH - RIGHT - 120,
                        ly - 4, WIDTH - RIGHT - 100, ly - 4, line.colour(), WIDTH - RIGHT - 95, ly, Html.escape(line.name())));
            }
        }
        s.append("</svg>");
        return s.toString();
    }

    /**
     * Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, about five intervals. The
     * first and last ticks bound the axis. A single value gets an interval around it.
     */
    static double[] ticks(double lo, double hi) {
        if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
        long first = (long) Math.floor(lo / step + 1e-9);
        long last = (long) Math.ceil(hi / step - 1e-9);
        double[] t = new double[(int) (last - first + 1)];
        for (int i = 0; i < t.length; i++) {
            t[i] = (first + i) * step;
        }
        return t;
    }

    private static String label(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        String s = String.format(Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
