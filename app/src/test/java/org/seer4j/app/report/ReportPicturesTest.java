package org.seer4j.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.run.JsonFiles;
import org.seer4j.app.run.RunReports;
import org.seer4j.core.image.RgbImage;
import org.seer4j.core.port.MetricsRecord;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.usecase.EvaluateUseCase;
import org.seer4j.core.views.Augmentation;
import org.seer4j.data.json.Json;

class ReportPicturesTest {

    static BufferedImage decode(String dataUri) throws Exception {
        assertThat(dataUri).startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(dataUri.substring(dataUri.indexOf(',') + 1));
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    /** Every value of crop row {@code row} of a group: (row + 1) / 10 in red, 0 in green, -1 in blue. */
    private static Tensor group(int crops, int batch, int size) {
        float[] v = new float[crops * batch * 3 * size * size];
        int plane = size * size;
        for (int row = 0; row < crops * batch; row++) {
            for (int i = 0; i < plane; i++) {
                v[(row * 3) * plane + i] = (row + 1) / 10f;
                v[(row * 3 + 1) * plane + i] = 0;
                v[(row * 3 + 2) * plane + i] = -1;
            }
        }
        return Tensor.of(v, crops * batch, 3, size, size);
    }

    @Test
    void theStripShowsEachImagesCropsInOrderDeNormalised() throws Exception {
        // batch 3: group 0 holds 2 crops of 4 px, group 1 one crop of 2 px; crop-major rows
        MultiCropBatch batch = new MultiCropBatch(List.of(group(2, 3, 4), group(1, 3, 2)), 3);
        Augmentation a = Augmentation.defaults();
        ViewStrip strip = ViewStrip.of(batch, a, 2);

        assertThat(strip.sizes()).containsExactly(4, 4, 2);
        assertThat(strip.rows()).hasSize(2);
        for (int image = 0; image < 2; image++) {
            // image i's crops are rows i and 3 + i of group 0, then row i of group 1
            int[][] rows = {{0, image}, {0, 3 + image}, {1, image}};
            for (int col = 0; col < 3; col++) {
                BufferedImage png = decode(strip.rows().get(image).get(col));
                int row = rows[col][1];
                int red = (int) Math.max(0, Math.min(255, Math.round(255 * ((row + 1) / 10f * a.std().get(0) + a.mean().get(0)))));
                int green = (int) Math.round(255 * a.mean().get(1));
                int blue = (int) Math.max(0, Math.round(255 * (-1 * a.std().get(2) + a.mean().get(2))));
                assertThat(png.getWidth()).isEqualTo(strip.sizes().get(col));
                assertThat(png.getRGB(1, 1) & 0xffffff).as("image %d crop %d", image, col)
                        .isEqualTo(red << 16 | green << 8 | blue);
            }
        }
    }

    @Test
    void aRunFoldersReportShowsViewsEvaluationAndNeighboursAfterEval(@TempDir Path dir) throws Exception {
        RgbImage grey = new RgbImage(2, 2, new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
        String png = Pictures.dataUri(grey);
        ViewStrip strip = new ViewStrip(List.of(4, 2), List.of(List.of(png, png)));
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("steps", "2");
        ReportData data = new ReportData("run <1>", summary, Map.of("engine", "test"), "train: {}", strip);
        List<MetricsRecord> records = List.of(new MetricsRecord(1, 0, 5.0, 0.1, 10, Map.of()),
                new MetricsRecord(2, 0, Double.NaN, 0.1, 10, Map.of("corrupt", 1L)));
        RunReports.write(dir, data, records);
        String before = Files.readString(dir.resolve("report.html"));
        assertThat(before).contains("id=\"views\"", png).doesNotContain("id=\"eval\"", "id=\"neighbours\"");

        // what eval leaves in the folder, then the report drawn again from the folder alone
        Files.writeString(dir.resolve("metrics.jsonl"), Json.write(records.get(0)) + "\n" + Json.write(records.get(1)) + "\n");
        JsonFiles.write(dir.resolve(RunReports.EVAL), new EvalResult("ck", false, "sample", 0.8125, Double.NaN, 20, 0.07, 90, 10));
        JsonFiles.write(dir.resolve(RunReports.EVAL_RANDOM_INIT), new EvalResult(null, true, "sample", 0.25, Double.NaN, 20, 0.07, 90, 10));
        EvaluateUseCase.Thumbnail q = new EvaluateUseCase.Thumbnail("test-7", 3, 1.0, grey);
        EvaluateUseCase.Thumbnail same = new EvaluateUseCase.Thumbnail("train-1", 3, 0.987654, grey);
        EvaluateUseCase.Thumbnail other = new EvaluateUseCase.Thumbnail("train-2", 4, 0.5, grey);
        JsonFiles.write(dir.resolve(RunReports.NEIGHBOURS),
                NeighbourGrid.of(List.of(new EvaluateUseCase.Neighbours(q, List.of(same, other)))));
        assertThat(RunReports.redraw(dir)).isTrue();

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<h1>run &lt;1&gt;</h1>", "id=\"views\"", "id=\"eval\"", "id=\"neighbours\"");
        assertThat(html).contains("<td>81.25%</td><td>25.00%</td>", "<td>not run</td><td>not run</td>");
        assertThat(html).contains("title=\"test-7\"", "0.988, label 3", "class=\"same\"", "0.500, label 4", "class=\"other\"");
        assertThat(html).contains("<th>corrupt</th><td>1</td>");
        assertThat(html).doesNotContain("<script");
    }
}
