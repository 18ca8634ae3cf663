package org.seer4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.wiring.DataSources;
import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.swav.StepPlanner;

/**
 * {@code --set train.steps=N} alone gives a valid run for every shipped config: schedules longer than the try are
 * scaled by N / L (L: the configured run's length, worked out here by hand from each file), explicit
 * contradictions are still refused.
 */
class ShortTriesTest {
    static final Path CONFIGS = Path.of("").toAbsolutePath().getParent().resolve("configs");

    /**
     * The configured length L of each shipped config, from its train section and its data's size:
     * quickstart 8 epochs x floor(4000 / 64) = 496; fashion-mnist-swav 12 x floor(60000 / 128) = 5616;
     * seer-regnet-y-256gf train.steps 122000; swav-imagenet 800 x floor(1281167 / 4096) = 249600;
     * seer-256gf-small-head train.steps 2 and seer-256gf-one-machine 1 (both on the bundled sample).
     * Data sizes: the bundled sample, Fashion-MNIST's and ImageNet-1k's training sets (for files not on disk here).
     */
    static final Map<String, Long> LENGTH = Map.of("quickstart.yaml", 496L, "fashion-mnist-swav.yaml", 5616L,
            "seer-regnet-y-256gf.yaml", 122_000L, "swav-imagenet.yaml", 249_600L, "seer-256gf-small-head.yaml", 2L,
            "seer-256gf-one-machine.yaml", 1L);
    static final Map<String, Long> IMAGES = Map.of("fashion-mnist-swav.yaml", 60_000L,
            "swav-imagenet.yaml", 1_281_167L);

    static RunConfig load(Path file, String... sets) {
        RunOptions o = new RunOptions();
        o.file = file;
        o.overrides = List.of(sets);
        String name = file.getFileName().toString();
        boolean sample = name.equals("quickstart.yaml") || name.startsWith("seer-256gf-");
        return o.loadForTraining(c -> sample ? DataSources.imagesPerEpoch(c)
                : IMAGES.get(name));
    }

    @Test
    void everyShippedConfigTakesOneAndSixStepsAlone() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(CONFIGS)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(LENGTH.keySet());
        for (Path f : files) {
            RunConfig configured = load(f);
            long length = LENGTH.get(f.getFileName().toString());
            for (long n : new long[] {1, 6}) {
                RunConfig c = load(f, "train.steps=" + n);
                assertThat(c.train().steps()).isEqualTo(n);
                // the run's learning-rate schedule and step plan accept it
                StepPlanner.of(c, n);
                String at = f.getFileName() + " N=" + n;
                assertThat(c.optim().warmupSteps()).as(at)
                        .isEqualTo(scaled(configured.optim().warmupSteps(), n, length));
                assertThat(c.swav().freezePrototypesIters()).as(at)
                        .isEqualTo(scaled(configured.swav().freezePrototypesIters(), n, length));
                assertThat(c.swav().queueStartIteration()).as(at)
                        .isEqualTo(scaled(configured.swav().queueStartIteration(), n, length));
                // nothing else changes
                assertThat(c.model()).isEqualTo(configured.model());
                assertThat(c.views()).isEqualTo(configured.views());
                assertThat(c.optim().baseLr()).isEqualTo(configured.optim().baseLr());
            }
        }
    }

    /** round(s * N / L), written out for the quickstart's numbers in the test below. */
    private static long scaled(long s, long n, long length) {
        return Math.round((double) s * n / length);
    }

    @Test
    void aLongerTryOfTheQuickstartKeepsItsProportions() {
        // L = 496; N = 40 < 62 frozen steps: warmup 10 -> round(0.81) = 1, freeze 62 -> round(5.0) = 5, queue start 0
        RunConfig c = load(CONFIGS.resolve("quickstart.yaml"), "train.steps=40");
        assertThat(c.optim().warmupSteps()).isEqualTo(1);
        assertThat(c.swav().freezePrototypesIters()).isEqualTo(5);
        assertThat(c.swav().queueStartIteration()).isZero();
    }

    @Test
    void aTryLongEnoughForEverySchedulesKeepsThemAsConfigured() {
        RunConfig c = load(CONFIGS.resolve("quickstart.yaml"), "train.steps=62");
        assertThat(c.optim().warmupSteps()).isEqualTo(10);
        assertThat(c.swav().freezePrototypesIters()).isEqualTo(62);
    }

    @Test
    void aScheduleGivenOnTheCommandLineIsKeptAndAContradictionRefused() {
        Path quickstart = CONFIGS.resolve("quickstart.yaml");
        RunConfig kept = load(quickstart, "train.steps=6", "swav.freeze_prototypes_iters=4");
        assertThat(kept.swav().freezePrototypesIters()).isEqualTo(4);
        assertThat(kept.optim().warmupSteps()).isZero();
        assertThatThrownBy(() -> load(quickstart, "train.steps=6", "optim.warmup_steps=10"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("optim.warmup_steps: must not exceed the run's total steps (6), got 10");
    }

    @Test
    void aFileThatContradictsItselfIsRefusedWithOrWithoutATry(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "optim: {warmup_steps: 10}\ntrain: {steps: 6, epochs: 0}\n");
        assertThatThrownBy(() -> load(file)).isInstanceOf(ConfigException.class)
                .hasMessage("optim.warmup_steps: must not exceed the run's total steps (6), got 10");
        assertThatThrownBy(() -> load(file, "train.steps=3")).isInstanceOf(ConfigException.class)
                .hasMessage("optim.warmup_steps: must not exceed the run's total steps (6), got 10");
    }
}
