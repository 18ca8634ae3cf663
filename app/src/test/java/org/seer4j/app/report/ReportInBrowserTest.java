package org.seer4j.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.image.RgbImage;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.usecase.EvaluateUseCase;

/**
 * report.html rendered by a real browser (Debian's {@code chromium}, headless): the screenshot must show the
 * loss curve's and the learning-rate curve's colours, i.e. the inline SVG was parsed and drawn, and the colours of
 * the view strip's and the neighbour grid's inline PNGs. Runs where
 * chromium is installed (as on the CI image); elsewhere it is skipped with a reason.
 */
class ReportInBrowserTest {

    static Path chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    @Test
    void theReportsCurvesAreDrawnByAHeadlessBrowser(@TempDir Path dir) throws Exception {
        Path browser = chromium();
        assumeTrue(browser != null, "no chromium on PATH (apt-get install chromium)");
        List<MetricsRecord> records = new ArrayList<>();
        for (int s = 1; s <= 50; s++) {
            records.add(new MetricsRecord(s, 0, 4 * Math.exp(-s / 20.0) + 1, 0.1 * Math.sin(s / 16.0), 120, Map.of()));
        }
        Path html = dir.resolve("report.html");
        // the views strip (purple crops) and the neighbour grid (orange images) as inline PNGs
        String purple = Pictures.dataUri(solid(4, 0x8e44ad));
        String orange = Pictures.dataUri(solid(4, 0xe67e22));
        ViewStrip strip = new ViewStrip(List.of(4, 4), List.of(List.of(purple, purple), List.of(purple, purple)));
        EvaluateUseCase.Thumbnail t = new EvaluateUseCase.Thumbnail("img", 1, 0.9, solid(4, 0xe67e22));
        NeighbourGrid grid = NeighbourGrid.of(List.of(new EvaluateUseCase.Neighbours(t, List.of(t, t))));
        new RunReport(new ReportData("browser check", Map.of("steps", "50"), Map.of("engine", "test"), "train: {}", strip),
                records, new EvalResult("ck", false, "sample", 0.8, 0.7, 20, 0.07, 9, 1), null, grid).write(html);
        assertThat(orange).isNotEqualTo(purple);
        Path png = dir.resolve("shot.png");
        Process p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--window-size=900,2600", "--screenshot=" + png, html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(png).as(Files.readString(dir.resolve("chromium.log"))).exists();
        BufferedImage shot = ImageIO.read(png.toFile());
        assertThat(pixelsNear(shot, 0xc0392b)).as("loss curve pixels").isGreaterThan(100);
        assertThat(pixelsNear(shot, 0x2471a3)).as("lr curve pixels").isGreaterThan(100);
        // four crops drawn 96 px wide, three thumbnails 72 px wide
        assertThat(pixelsNear(shot, 0x8e44ad)).as("view strip pixels").isGreaterThan(4 * 80 * 80);
        assertThat(pixelsNear(shot, 0xe67e22)).as("neighbour grid pixels").isGreaterThan(3 * 60 * 60);
    }

    private static RgbImage solid(int size, int rgb) {
        byte[] p = new byte[size * size * 3];
        for (int i = 0; i < size * size; i++) {
            p[i * 3] = (byte) (rgb >> 16);
            p[i * 3 + 1] = (byte) (rgb >> 8);
            p[i * 3 + 2] = (byte) rgb;
        }
        return new RgbImage(size, size, p);
    }

    private static int pixelsNear(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y);
                int dr = ((c >> 16) & 0xff) - ((rgb >> 16) & 0xff);
                int dg = ((c >> 8) & 0xff) - ((rgb >> 8) & 0xff);
                int db = (c & 0xff) - (rgb & 0xff);
                if (dr * dr + dg * dg + db * db < 30 * 30) {
                    n++;
                }
            }
        }
        return n;
    }
}
