package org.seer4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.Cli;
import org.seer4j.app.Main;
import picocli.CommandLine;

class BenchDataCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Cli.commandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void measuresTheSmallRecipeOnAFolderOfJpegsAndPrintsJson(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 6; i++) {
            BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
            img.setRGB(i, i, 0xffffff);
            ImageIO.write(img, "jpeg", dir.resolve("img" + i + ".jpg").toFile());
        }
        Files.writeString(dir.resolve("broken.jpg"), "not a jpeg");
        int code = run("bench-data", "--data", dir.toString(), "--workers", "2", "--images", "4", "--batch", "2",
                "--recipe", "2x96+4x48", "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        JsonNode r = json.get("results").get(0);
        assertThat(r.get("recipe").asText()).isEqualTo("2x96+4x48");
        assertThat(r.get("images").asLong()).isEqualTo(4);
        assertThat(r.get("crops").asLong()).isEqualTo(4 * 6);
        assertThat(r.get("images_per_second").asDouble()).isPositive();
        assertThat(r.get("crops_per_second").asDouble()).isCloseTo(6 * r.get("images_per_second").asDouble(),
                org.assertj.core.api.Assertions.withinPercentage(1));
    }

    @Test
    void aFolderWithoutReadableImagesIsAUsageErrorWithTheCounts(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.jpg"), "text");
        Files.write(dir.resolve("b.png"), new byte[0]);
        assertThat(run("bench-data", "--data", dir.toString(), "--images", "2", "--batch", "1")).isEqualTo(Cli.USAGE_ERROR);
        assertThat(err.toString()).contains("no readable image").contains("not_an_image=1").contains("empty=1");
    }

    @Test
    void aMissingFolderIsAUsageError(@TempDir Path dir) {
        assertThat(run("bench-data", "--data", dir.resolve("nope").toString())).isEqualTo(Cli.USAGE_ERROR);
        assertThat(err.toString()).contains("is not a folder");
    }
}
