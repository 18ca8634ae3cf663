package org.seer4j.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.seer4j.core.port.MetricsRecord;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class RunReportTest {

    @Test
    void ticksAreRoundStepsCoveringTheRange() {
        assertThat(SvgChart.ticks(0.3, 9.7)).containsExactly(0, 2, 4, 6, 8, 10);
        assertThat(SvgChart.ticks(7.91, 8.43)).containsExactly(new double[] {7.8, 8.0, 8.2, 8.4, 8.6},
                within(1e-12));
        // A constant series still gets an axis around its value.
        double[] flat = SvgChart.ticks(2, 2);
        assertThat(flat[0]).isLessThan(2);
        assertThat(flat[flat.length - 1]).isGreaterThan(2);
    }

    @Test
    void theChartIsWellFormedSvgWithOnePointPerFiniteValueAtItsPlace() throws Exception {
        String svg = SvgChart.line("loss <&>", "step", "loss", new double[] {0, 5, 10, 15},
                new double[] {10, Double.NaN, 0, 5}, "#000");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        Element line = (Element) doc.getElementsByTagName("polyline").item(0);
        String[] pts = line.getAttribute("points").trim().split(" ");
        assertThat(pts).hasSize(3);
        // x ticks 0..15 map to [70, 620]; y ticks 0..10 map to [220, 30] (plot 550 x 190 at (70, 30)).
        assertThat(pts[0]).isEqualTo("70.0,30.0");
        assertThat(pts[1]).isEqualTo(String.format(java.util.Locale.ROOT, "%.1f,220.0", 70 + 10 / 15.0 * 550));
        assertThat(pts[2]).isEqualTo("620.0,125.0");
        assertThat(doc.getElementsByTagName("text").item(0).getTextContent()).isEqualTo("loss <&>");
    }

    @Test
    void theReportHoldsEveryCurveTheSkippedCountsProvenanceAndEscapedConfig() {
        List<MetricsRecord> records = new ArrayList<>();
        for (int s = 1; s <= 30; s++) {
            records.add(new MetricsRecord(s, s / 10, 8 - 0.1 * s, 0.01 * s, 100 + s, Map.of("corrupt", (long) s / 10)));
        }
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("steps", "30");
        String html = new RunReport("quickstart", records, summary, Map.of("engine", "djl 0.36.0"),
                "data:\n  path: \"<script>alert(1)</script>\"\n").html();
        assertThat(html).startsWith("<!DOCTYPE html>");
        assertThat(html).contains("<figure id=\"loss\"><svg", "<figure id=\"lr\"><svg", "<figure id=\"throughput\"><svg");
        assertThat(html).contains("<th>corrupt</th><td>3</td>");
        assertThat(html).contains("<th>engine</th><td>djl 0.36.0</td>");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
        // Self-contained: nothing is fetched, nothing runs.
        assertThat(html).doesNotContain("src=", "href=", "<link", "<script", "<img");
        assertThat(html.split("<tr><td>", -1)).hasSize(31);
    }
}
