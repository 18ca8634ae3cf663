package org.seer4j.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.image.RgbImage;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.port.TensorFile;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorReader;
import org.seer4j.core.usecase.EmbedUseCase.Command;
import org.seer4j.core.usecase.EmbedUseCase.Result;

class EmbedServiceTest {
    @TempDir
    Path dir;
    private final List<Map<String, Tensor>> written = new ArrayList<>();
    private final List<Map<String, String>> metadata = new ArrayList<>();

    private EmbedService service(List<SourceImage> images) {
        FakeImageSource source = new FakeImageSource("three images", images);
        TensorFile capture = new TensorFile() {
            @Override
            public TensorReader open(Path file) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(Path file, TensorReader tensors, Map<String, String> meta) {
                written.add(tensors.toMap());
                metadata.add(meta);
            }
        };
        return new EmbedService(new FakeEngine(new FakeClock()), new ImageSources() {
            @Override
            public ImageSource images(RunConfig config) {
                return source;
            }

            @Override
            public Splits labelled(RunConfig config) {
                return new Splits(source, null);
            }
        }, path -> {
            throw new IOException("no checkpoints here");
        }, capture);
    }

    private static SourceImage gray(String id, int value, int label) {
        byte[] px = new byte[12];
        java.util.Arrays.fill(px, (byte) value);
        return new SourceImage(id, new RgbImage(2, 2, px), label);
    }

    private static final RunConfig CONFIG = EvaluateServiceTest.config("both");

    /** The fake trunk's first feature is the mean normalised pixel: (v / 255 - 0.485) / 0.229 averaged over RGB. */
    private static float feature(int v) {
        double[] mean = {0.485, 0.456, 0.406};
        double[] std = {0.229, 0.224, 0.225};
        double s = 0;
        for (int c = 0; c < 3; c++) {
            s += (float) ((float) (v / 255.0) - (float) mean[c]) * (float) (1 / std[c]);
        }
        return (float) (s / 3);
    }

    @Test
    void aCsvHoldsOneQuotedIdLabelAndFeatureRowPerImage() throws IOException {
        Path out = dir.resolve("emb.csv");
        Result r = service(List.of(gray("a.png", 0, 1), gray("b,c.png", 255, -1), gray("d\".png", 51, 2)))
                .embed(new Command(CONFIG, null, out));
        assertThat(r.embedded()).isEqualTo(3);
        assertThat(r.skipped()).isEqualTo(2);
        assertThat(r.featureWidth()).isEqualTo(2);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("id,label,f0,f1");
        assertThat(lines.get(1)).startsWith("a.png,1,");
        assertThat(lines.get(2)).startsWith("\"b,c.png\",-1,");
        assertThat(lines.get(3)).startsWith("\"d\"\".png\",2,");
        assertThat(Float.parseFloat(lines.get(2).split(",")[3])).isEqualTo(feature(255));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("emb.csv");
        }
    }

    @Test
    void aSafetensorsFileHoldsFeaturesLabelsAndIds() {
        Result r = service(List.of(gray("a", 0, 1), gray("b", 255, -1))).embed(new Command(CONFIG, null,
                dir.resolve("emb.safetensors")));
        assertThat(r.embedded()).isEqualTo(2);
        Map<String, Tensor> t = written.get(0);
        assertThat(t.get("features").shape()).containsExactly(2, 2);
        assertThat(t.get("features").get(0)).isEqualTo(feature(0));
        assertThat(t.get("labels").toArray()).containsExactly(1f, -1f);
        assertThat(metadata.get(0)).containsEntry("ids", "a\nb").containsEntry("checkpoint", "random-init");
    }

    @Test
    void anOutputOfUnknownFormatIsRefused() {
        assertThatThrownBy(() -> service(List.of(gray("a", 0, 1))).embed(new Command(CONFIG, null, dir.resolve("x.npy"))))
                .hasMessageContaining("must end in .safetensors or .csv");
    }

    @Test
    void anUnreadableCheckpointIsReportedWithItsPath() {
        assertThatThrownBy(() -> service(List.of(gray("a", 0, 1))).embed(new Command(CONFIG, Path.of("nope.ckpt"),
                dir.resolve("x.csv"))))
                .hasMessageContaining("cannot read the checkpoint nope.ckpt");
    }
}
