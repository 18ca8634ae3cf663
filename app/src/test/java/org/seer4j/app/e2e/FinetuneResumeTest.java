package org.seer4j.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.TinyConfig;
import org.seer4j.app.config.ConfigLoader;
import org.seer4j.app.wiring.Injectors;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.finetune.FinetuneConfig;
import org.seer4j.core.service.ProgressListener;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.usecase.FinetuneUseCase;
import org.seer4j.core.usecase.FinetuneUseCase.Command;
import org.seer4j.core.usecase.FinetuneUseCase.Result;
import org.seer4j.data.safetensors.SafetensorsFile;

/**
 * A fine-tuning stopped mid-epoch and run again from its folder ends where the uninterrupted one ends: same steps,
 * same classifier weights and BN statistics, same test accuracy. The engines run on one thread; the tolerance
 * (1e-5 of each tensor's scale) covers float32 kernels that may sum in a different order from call to call.
 */
class FinetuneResumeTest {
    private static final FinetuneConfig FT = new FinetuneConfig(0.05, 2, 16, 0.1, 0.5, 0.9, 1e-4, 0, 0.08);
    @TempDir
    Path dir;

    private static RunConfig config(String engine) {
        return ConfigLoader.fromYaml(TinyConfig.COMMON + """
                swav: {prototypes: 10}
                train: {seed: 5}
                backend: {device: cpu, threads: 1}
                """, "tiny", List.of("backend.name=" + engine));
    }

    /** Runs the fine-tuning into {@code folder}, asking it to stop after {@code stopAt} steps (0: never). */
    private static Result run(RunConfig config, Path folder, long stopAt) {
        AtomicReference<FinetuneUseCase> service = new AtomicReference<>();
        ProgressListener stopper = p -> {
            if (p.step() == stopAt) service.get().requestStop();
        };
        service.set(Injectors.forRun(config, stopper).getInstance(FinetuneUseCase.class));
        return service.get().finetune(new Command(config, FT, null, folder, Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tensorflow"})
    void aResumedFineTuningEndsWhereTheUninterruptedOneEnds(String engine) throws IOException {
        RunConfig config = config(engine);
        Result whole = run(config, dir.resolve("whole"), 0);
        Result first = run(config, dir.resolve("resumed"), 9);
        assertThat(first.stopped()).isTrue();
        assertThat(first.steps()).isEqualTo(9);
        assertThat(first.classifier()).isNull();
        Result rest = run(config, dir.resolve("resumed"), 0);
        assertThat(rest.stopped()).isFalse();
        assertThat(rest.steps()).isEqualTo(whole.steps()).isEqualTo(whole.totalSteps());
        assertThat(whole.totalSteps()).isGreaterThan(2 * 9);
        Map<String, Tensor> a = new SafetensorsFile().read(whole.classifier());
        Map<String, Tensor> b = new SafetensorsFile().read(rest.classifier());
        assertThat(b.keySet()).isEqualTo(a.keySet());
        a.forEach((name, t) -> {
            double scale = 1e-6;
            for (int i = 0; i < t.size(); i++) scale = Math.max(scale, Math.abs(t.get(i)));
            for (int i = 0; i < t.size(); i++) {
                assertThat((double) b.get(name).get(i)).as("%s[%d]", name, i)
                        .isCloseTo(t.get(i), within(1e-5 * scale));
            }
        });
        assertThat(rest.top1()).isCloseTo(whole.top1(), within(2.0 / whole.testImages()));
        assertThat(rest.top5()).isCloseTo(whole.top5(), within(2.0 / whole.testImages()));
    }
}
