package org.seer4j.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.Features;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.StepResult;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.port.SwavObjective;
import org.seer4j.core.swav.StepPlanner;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.usecase.CompareUseCase.Command;
import org.seer4j.core.usecase.CompareUseCase.Result;

class CompareServiceTest {
    private static final int BATCH = 4;
    private static final OptimConfig OPTIM =
            new OptimConfig("sgd", 0.9, 0, 0.05, BATCH, 0.01, 0.1, 2, 0.001, false, true);
    private static final RunConfig CONFIG = new RunConfig(ModelConfig.defaults(), ViewsConfig.defaults(),
            new SwavConfig(30, 0.1, 0.05, 3, 0, 0, 3), OPTIM, new TrainConfig(BATCH, 0, 10, 7, 1, 5, 2),
            DataConfig.defaults(), BackendConfig.defaults(), EvalConfig.defaults(),
            new OutputConfig(null, List.of("jsonl"), true));

    /** 23 images, 3 unreadable: 5 batches of 4 per epoch, so 7 steps run into the second epoch. */
    private final FakeBatchSource source = new FakeBatchSource(23, BATCH, Set.of(3, 11, 17));
    private final FakeClock clock = new FakeClock();
    private final FakeEngine a = new FakeEngine(clock);
    private final FakeEngine b = new FakeEngine(clock);
    private long readings;

    private CompareService service(Engine second) {
        // every reading is 10 bytes above the last: 3 steps after the reading before opening make 30
        MemoryGauge gauge = () -> 100 + 10 * readings++;
        return new CompareService(name -> switch (name) {
            case "a" -> a;
            case "b" -> second;
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'");
        }, c -> new TrainingData(source, 23), clock, gauge);
    }

    @Test
    void identicalEnginesSeeTheSameBatchesAndPlansAndAreConformant() {
        Result r = service(b).compare(new Command(CONFIG, List.of("a", "b"), 7, 1e-3));

        assertThat(r.conformant()).isTrue();
        assertThat(r.maxLossDifference()).isZero();
        assertThat(r.maxRelativeWeightDifference()).isZero();
        assertThat(r.runs()).extracting(run -> run.backend()).containsExactly("a", "b");
        FakeSwavModel ma = a.last();
        FakeSwavModel mb = b.last();
        assertThat(ma.closed).isTrue();
        assertThat(mb.batchMeans).isEqualTo(ma.batchMeans);
        // the batches are the run's own: epoch 0's five, then the first two of epoch 1
        List<Double> expected = new ArrayList<>();
        for (long epoch = 0; expected.size() < 7; epoch++) {
            try (var stream = source.open(7, epoch)) {
                while (expected.size() < 7 && stream.hasNext()) expected.add(FakeSwavModel.mean(stream.next()));
            }
        }
        assertThat(ma.batchMeans).isEqualTo(expected);
        StepPlanner planner = StepPlanner.of(CONFIG, 10);
        for (int s = 0; s < 7; s++) {
            assertThat(ma.plans.get(s)).isEqualTo(planner.plan(s));
            assertThat(mb.plans.get(s)).isEqualTo(planner.plan(s));
        }
        assertThat(r.runs().get(0).losses()).containsExactly(ma.losses.stream().mapToDouble(d -> d).toArray());
    }

    @Test
    void throughputAndMemoryAreMeasuredPerEngine() {
        Result r = service(b).compare(new Command(CONFIG, List.of("a", "b"), 3, 1e-3));
        // each fake step takes 500 ms: 4 images / 0.5 s
        assertThat(r.runs().get(0).imagesPerSecond()).isCloseTo(8.0, within(1e-9));
        assertThat(r.runs().get(0).stepNanos()).containsExactly(500_000_000L, 500_000_000L, 500_000_000L);
        assertThat(r.runs()).allSatisfy(run -> assertThat(run.memoryBytes()).isEqualTo(30));
    }

    @Test
    void throughputIsTheBatchOverTheMedianStepSoWarmUpStepsDoNotCount() {
        // sorted: 0.5, 0.5, 1, 2, 3 s; the median step takes 1 s, so 4 images per second
        long s = 1_000_000_000L;
        assertThat(CompareService.imagesPerSecond(new long[] {3 * s, 2 * s, s / 2, s / 2, s}, 4))
                .isCloseTo(4.0, within(1e-12));
        // an even count takes the mean of the middle two: (0.5 + 1) / 2 = 0.75 s, 4 / 0.75 images per second
        assertThat(CompareService.imagesPerSecond(new long[] {3 * s, s / 2, s / 2, s}, 4))
                .isCloseTo(4 / 0.75, within(1e-12));
    }

    @Test
    void anEngineWhoseLossDriftsIsNotConformantAndTheDifferenceIsReported() {
        // adds 10 x (iteration + 1) to losses near 2000 (image ids squared): the largest difference is 30, at step 3
        Engine drifting = new Drifting(b, 10);
        Result r = service(drifting).compare(new Command(CONFIG, List.of("a", "b"), 3, 1e-3));
        double lastRef = a.last().losses.get(2);
        assertThat(r.maxLossDifference()).isCloseTo(30, within(1e-9));
        double expectedRel = 0;
        for (int s = 0; s < 3; s++) expectedRel = Math.max(expectedRel, 10.0 * (s + 1) / a.last().losses.get(s));
        assertThat(r.maxRelativeLossDifference()).isCloseTo(expectedRel, within(1e-12));
        assertThat(30 / lastRef).as("the drift exceeds the tolerance").isGreaterThan(1e-3);
        assertThat(r.conformant()).isFalse();
    }

    @Test
    void aDriftBelowTheToleranceIsConformant() {
        double smallest = Double.MAX_VALUE;
        Result first = service(b).compare(new Command(CONFIG, List.of("a", "b"), 3, 1e-3));
        for (double loss : first.runs().get(0).losses()) smallest = Math.min(smallest, loss);
        // a drift of 3 x 1e-4 of the smallest loss at most stays inside a 1e-3 relative tolerance
        double step = 1e-4 * smallest;
        Result r = service(new Drifting(new FakeEngine(clock), step))
                .compare(new Command(CONFIG, List.of("a", "b"), 3, 1e-3));
        assertThat(r.maxLossDifference()).isCloseTo(3 * step, within(1e-12));
        assertThat(r.conformant()).isTrue();
    }

    @Test
    void theWeightDifferenceIsRelativeToEachTensorsLargestValueButAbsoluteBelowOne() {
        Map<String, Tensor> ref = Map.of("x", Tensor.of(new float[] {1f, -4f}, 2), "y", Tensor.of(new float[] {0.5f}, 1));
        Map<String, Tensor> other = Map.of("x", Tensor.of(new float[] {1f, -4.01f}, 2),
                "y", Tensor.of(new float[] {0.503f}, 1));
        // x: 0.01 / 4 = 0.0025; y, below the floor of 1, absolutely: 0.003 (float rounding aside)
        assertThat(CompareService.relativeDifference(ref, other, "b")).isCloseTo(0.003, within(1e-6));
    }

    @Test
    void badRequestsAreRefusedWithAClearMessage() {
        CompareService s = service(b);
        assertThatThrownBy(() -> s.compare(new Command(CONFIG, List.of("a"), 3, 1e-3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 backends");
        assertThatThrownBy(() -> s.compare(new Command(CONFIG, List.of("a", "b"), 0, 1e-3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("steps must be at least 1");
        assertThatThrownBy(() -> s.compare(new Command(CONFIG, List.of("a", "a"), 3, 1e-3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> s.compare(new Command(CONFIG, List.of("a", "zz"), 3, 1e-3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown backend 'zz'");
        assertThat(a.opened).isEmpty();
    }

    /** An engine whose models report the loss plus {@code drift} x (iteration + 1). */
    private record Drifting(Engine inner, double drift) implements Engine {
        @Override
        public String name() {
            return "drifting";
        }

        @Override
        public String version() {
            return "drifting 1.0";
        }

        @Override
        public SwavModel open(ModelDefinition model, EngineSettings settings) {
            SwavModel m = inner.open(model, settings);
            return new SwavModel() {
                @Override
                public StepResult step(MultiCropBatch batch, StepPlan plan) {
                    StepResult r = m.step(batch, plan);
                    return new StepResult(r.loss() + drift * (plan.iteration() + 1), r.forwardNanos(),
                            r.sinkhornNanos(), r.backwardNanos(), r.updateNanos());
                }

                @Override
                public LossAndGradients lossAndGradients(MultiCropBatch batch, StepPlan plan) {
                    return m.lossAndGradients(batch, plan);
                }

                @Override
                public Features infer(Tensor images) {
                    return m.infer(images);
                }

                @Override
                public Map<String, Tensor> weights() {
                    return m.weights();
                }

                @Override
                public void loadWeights(Map<String, Tensor> weights) {
                    m.loadWeights(weights);
                }

                @Override
                public Map<String, Tensor> trainingState() {
                    return m.trainingState();
                }

                @Override
                public void loadTrainingState(Map<String, Tensor> state) {
                    m.loadTrainingState(state);
                }

                @Override
                public void close() {
                    m.close();
                }
            };
        }

        @Override
        public SwavObjective objective() {
            return inner.objective();
        }

        @Override
        public double sgemmGflops(int n, int threads) {
            return inner.sgemmGflops(n, threads);
        }
    }
}
