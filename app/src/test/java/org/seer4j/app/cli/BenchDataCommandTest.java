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
    void shardsWrittenByTheShardCommandAreBenchmarkedLikeTheFolder(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("images");
        for (int i = 0; i < 7; i++) {
            BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
            img.setRGB(i, i, 0xffffff);
            Path f = images.resolve(i % 2 == 0 ? "a" : "b").resolve("img" + i + ".jpg");
            Files.createDirectories(f.getParent());
            ImageIO.write(img, "jpeg", f.toFile());
        }
        Path shards = dir.resolve("shards");
        assertThat(run("shard", "--data", images.toString(), "--output", shards.toString(), "--samples-per-shard",
                "3", "--labelled")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("wrote 7 samples into 3 shards");
        try (java.util.stream.Stream<Path> s = Files.list(shards)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("classes.txt", "shard-000000.tar", "shard-000001.tar", "shard-000002.tar");
        }
        out.getBuffer().setLength(0);
        int code = run("bench-data", "--data", shards + "/shard-{000000..000002}.tar", "--workers", "1", "--images",
                "4", "--batch", "2", "--recipe", "2x96+4x48", "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(out.toString()).get("results").get(0);
        assertThat(r.get("images").asLong()).isEqualTo(4);
        assertThat(r.get("skipped").asLong()).isZero();
    }

    @Test
    void shardingAMissingFolderIsAUsageError(@TempDir Path dir) {
        assertThat(run("shard", "--data", dir.resolve("nope").toString(), "--output", dir.toString()))
                .isEqualTo(Cli.USAGE_ERROR);
        assertThat(err.toString()).contains("is not a folder");
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
