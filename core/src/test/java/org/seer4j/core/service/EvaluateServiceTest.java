package org.seer4j.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.BackendConfig;
import org.seer4j.core.config.DataConfig;
import org.seer4j.core.config.EvalConfig;
import org.seer4j.core.config.ModelConfig;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.OutputConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.TrainConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.image.RgbImage;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.Checkpoint;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.usecase.EvaluateUseCase.Command;
import org.seer4j.core.usecase.EvaluateUseCase.Result;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;

class EvaluateServiceTest {
    private final FakeEngine engine = new FakeEngine(new FakeClock());
    private final List<Path> read = new ArrayList<>();

    static RunConfig config(String protocol) {
        return new RunConfig(ModelConfig.defaults(),
                new ViewsConfig(List.of(new CropGroup(2, 2, 0.5, 1)), List.of(0, 1), Augmentation.defaults()),
                SwavConfig.defaults(), OptimConfig.defaults(), TrainConfig.defaults(), DataConfig.defaults(),
                BackendConfig.defaults(), new EvalConfig(protocol, 5, 0.07, 50, 0.2), OutputConfig.defaults());
    }

    /** 2x2 gray images whose brightness is 40 + 70 * class, give or take 15. */
    static List<SourceImage> images(int n, long seed, boolean labelled) {
        Random r = new Random(seed);
        List<SourceImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % 3;
            byte[] px = new byte[12];
            for (int p = 0; p < 4; p++) {
                byte v = (byte) (40 + 70 * label + r.nextInt(31) - 15);
                px[3 * p] = v;
                px[3 * p + 1] = v;
                px[3 * p + 2] = v;
            }
            out.add(new SourceImage("img-" + seed + "-" + i, new RgbImage(2, 2, px), labelled ? label : -1));
        }
        return out;
    }

    private EvaluateService service(ImageSource train, ImageSource test) {
        return new EvaluateService(engine, new ImageSources() {
            @Override
            public ImageSource images(RunConfig config) {
                return train;
            }

            @Override
            public Splits labelled(RunConfig config) {
                return new Splits(train, test);
            }
        }, path -> {
            read.add(path);
            return new Checkpoint(12, Map.of(FakeSwavModel.TRUNK, Tensor.of(new float[] {0.5f, 0, 0}, 3),
                    FakeSwavModel.PROTOTYPES, Tensor.of(new float[] {1}, 1)), Map.of(), Map.of());
        });
    }

    @Test
    void separableImagesAreClassifiedPerfectlyByTheProbeAndKnn() {
        EvaluateService s = service(new FakeImageSource("train", images(600, 1, true)),
                new FakeImageSource("test", images(300, 2, true)));
        Result r = s.evaluate(new Command(config("both"), Path.of("ck"), false));
        assertThat(r.linearTop1()).isEqualTo(1.0);
        assertThat(r.knnTop1()).isEqualTo(1.0);
        assertThat(r.trainImages()).isEqualTo(600);
        assertThat(r.testImages()).isEqualTo(300);
        // 900 images in batches of up to 256.
        assertThat(engine.last().inferred).isEqualTo(900);
        assertThat(engine.last().loaded).isTrue();
        assertThat(engine.last().w[0]).isEqualTo(0.5f);
        assertThat(engine.last().closed).isTrue();
        assertThat(read).containsExactly(Path.of("ck"));
    }

    @Test
    void theRandomInitBaselineLoadsNoCheckpointAndOnlyTheChosenProtocolRuns() {
        EvaluateService s = service(new FakeImageSource("train", images(60, 1, true)),
                new FakeImageSource("test", images(30, 2, true)));
        Result r = s.evaluate(new Command(config("knn"), null, true));
        assertThat(read).isEmpty();
        assertThat(engine.last().loaded).isFalse();
        assertThat(r.linearTop1()).isNaN();
        assertThat(r.knnTop1()).isEqualTo(1.0);
        Result linear = s.evaluate(new Command(config("linear"), null, true));
        assertThat(linear.knnTop1()).isNaN();
        assertThat(linear.linearTop1()).isEqualTo(1.0);
    }

    @Test
    void withoutATestSplitAFixedShareOfTheImagesIsHeldOut() {
        List<SourceImage> all = images(2000, 3, true);
        EvaluateService s = service(new FakeImageSource("train", all), null);
        Result r = s.evaluate(new Command(config("linear"), null, true));
        long expectedTest = all.stream().filter(i -> EvaluateService.heldOut(i.id(), 0, 0.2)).count();
        assertThat(r.testImages()).isEqualTo(expectedTest);
        assertThat(r.trainImages() + r.testImages()).isEqualTo(2000);
        // A hash split: close to the fraction (binomial sd for n = 2000 is about 18 images).
        assertThat(r.testImages() / 2000.0).isCloseTo(0.2, within(0.04));
    }

    @Test
    void askingForNeitherACheckpointNorTheBaselineIsRefused() {
        EvaluateService s = service(new FakeImageSource("train", images(6, 1, true)), null);
        assertThatThrownBy(() -> s.evaluate(new Command(config("both"), null, false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("give a checkpoint");
    }

    @Test
    void unlabelledImagesAreRefusedNamingTheImage() {
        EvaluateService s = service(new FakeImageSource("train", images(6, 1, false)),
                new FakeImageSource("test", images(3, 2, true)));
        assertThatThrownBy(() -> s.evaluate(new Command(config("both"), null, true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image img-1-0 has no label");
    }
}
