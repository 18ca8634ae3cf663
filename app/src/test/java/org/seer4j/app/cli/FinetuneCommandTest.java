package org.seer4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.TinyConfig;
import org.seer4j.app.testing.MainRun;
import org.seer4j.core.port.ImageStream;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.image.IdxSource;
import org.seer4j.data.safetensors.SafetensorsFile;

/** {@code seer4j eval --protocol finetune}: bad input ends with one line and exit 2; a tiny run writes its files. */
class FinetuneCommandTest {
    static final String TINY = TinyConfig.COMMON + """
            swav: {prototypes: 10}
            train: {seed: 3}
            backend: {name: djl, device: cpu, threads: 1}
            """;
    @TempDir
    Path dir;

    private Path config() throws IOException {
        Path c = dir.resolve("tiny.yaml");
        Files.writeString(c, TINY);
        return c;
    }

    /** sum over the sample's classes of max(1, round(f n_c)): the size of a class-balanced subset. */
    private static int balancedShare(double f) {
        int[] counts = new int[10];
        try (ImageStream s = IdxSource.sample(true).open(0, 0)) {
            while (s.hasNext()) counts[s.next().label()]++;
        }
        int n = 0;
        for (int c : counts) n += Math.max(1, (int) Math.round(f * c));
        return n;
    }

    @Test
    void aLabelFractionOutsideZeroToOneIsBadInput() throws IOException {
        for (String f : new String[] {"0", "1.5", "-0.1", "NaN"}) {
            MainRun r = MainRun.of("eval", "--protocol", "finetune", "--random-init", "--config", config().toString(),
                    "--label-fraction", f, "--finetune-dir", dir.resolve("ft").toString());
            assertThat(r.exitCode()).as(f).isEqualTo(2);
            assertThat(r.err().strip()).as(f).startsWith("seer4j: --label-fraction must be in (0, 1], got ")
                    .doesNotContain("\n").doesNotContain("Exception");
        }
        assertThat(dir.resolve("ft")).doesNotExist();
    }

    @Test
    void fineTuningFlagsWithAnotherProtocolAreBadInput() throws IOException {
        MainRun r = MainRun.of("eval", "--protocol", "knn", "--random-init", "--config", config().toString(),
                "--label-fraction", "0.1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("seer4j: --label-fraction, --epochs, --lr and the other fine-tuning "
                + "flags need --protocol finetune");
    }

    @Test
    void imagesWithoutLabelsAreBadInput() throws IOException {
        Path images = dir.resolve("images-idx3-ubyte");
        ByteBuffer b = ByteBuffer.allocate(16 + 6 * 28 * 28);
        b.putInt(0x00000803).putInt(6).putInt(28).putInt(28);
        for (int i = 16; i < b.capacity(); i++) b.put((byte) (i * 7));
        Files.write(images, b.array());
        MainRun r = MainRun.of("eval", "--protocol", "finetune", "--random-init", "--config", config().toString(),
                "--data", images.toString(), "--epochs", "1", "--batch-size", "2",
                "--finetune-dir", dir.resolve("ft").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("seer4j: ").contains("has no label").contains("labelled data")
                .doesNotContain("\n");
    }

    @Test
    void aTinyRandomInitFineTuningWritesTheClassifierAndTheAccuracies() throws IOException {
        Path ft = dir.resolve("ft");
        MainRun r = MainRun.of("eval", "--protocol", "finetune", "--random-init", "--config", config().toString(),
                "--data", "sample", "--label-fraction", "0.02", "--epochs", "1", "--batch-size", "16",
                "--finetune-dir", ft.toString());
        assertThat(r.exitCode()).as(r.err().strip()).isZero();
        Map<String, Tensor> classifier = new SafetensorsFile().read(ft.resolve("classifier.safetensors"));
        assertThat(classifier.get("fc.weight").shape()).containsExactly(10, 16);
        assertThat(classifier.get("fc.bias").shape()).containsExactly(10);
        assertThat(classifier).containsKeys("stem.0.weight", "stem.1.running_var").doesNotContainKey("head.0.weight");
        String json = Files.readString(ft.resolve("finetune.json"));
        assertThat(json).contains("\"top1\"").contains("\"top5\"")
                .contains("\"labelled_images\": " + balancedShare(0.02)).contains("\"classes\": 10");
        assertThat(r.out()).contains("fine-tuned top-1");
    }
}
