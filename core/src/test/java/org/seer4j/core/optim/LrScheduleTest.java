package org.seer4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.seer4j.core.config.ConfigException;
import org.seer4j.core.config.OptimConfig;

class LrScheduleTest {

    private final LrSchedule schedule = new LrSchedule(0.1, 1.0, 0.01, 10, 110);

    @Test
    void warmupRunsLinearlyFromTheStartToThePeak() {
        assertThat(schedule.at(0)).isCloseTo(0.1, within(1e-15));
        assertThat(schedule.at(5)).isCloseTo(0.55, within(1e-15));
        assertThat(schedule.at(9)).isCloseTo(0.91, within(1e-15));
        assertThat(schedule.at(10)).isCloseTo(1.0, within(1e-15));
    }

    @Test
    void cosineIsHalfwayBetweenPeakAndFinalAtItsMidpoint() {
        assertThat(schedule.at(60)).isCloseTo((1.0 + 0.01) / 2, within(1e-15));
    }

    @Test
    void theFinalRateIsReachedAtTheLastStepAndKept() {
        assertThat(schedule.at(109)).isCloseTo(0.01 + 0.5 * 0.99 * (1 + Math.cos(Math.PI * 99 / 100)), within(1e-15));
        assertThat(schedule.at(110)).isEqualTo(0.01);
        assertThat(schedule.at(5000)).isEqualTo(0.01);
    }

    @Test
    void afterWarmupTheRateNeverIncreases() {
        for (long it = 10; it < 120; it++) {
            assertThat(schedule.at(it + 1)).isLessThanOrEqualTo(schedule.at(it));
        }
    }

    @Test
    void withoutWarmupTheFirstStepUsesThePeak() {
        LrSchedule noWarmup = new LrSchedule(0, 0.6, 0, 0, 100);
        assertThat(noWarmup.at(0)).isEqualTo(0.6);
        assertThat(noWarmup.at(50)).isCloseTo(0.3, within(1e-15));
    }

    @Test
    void fromTheConfigThePeakScalesWithTheBatchAndTheFinalIsARatioOfIt() {
        OptimConfig optim = new OptimConfig("lars", 0.9, 1e-6, 0.3, 256, 0.0, 0.001, 100, 0.001, false, true);
        LrSchedule s = LrSchedule.of(optim, 4096, 1000);
        assertThat(s.peakLr()).isCloseTo(4.8, within(1e-12));
        assertThat(s.finalLr()).isCloseTo(0.0048, within(1e-15));
        assertThat(s.at(0)).isEqualTo(0.0);
        assertThat(s.at(100)).isCloseTo(4.8, within(1e-12));
        assertThat(s.at(1000)).isCloseTo(0.0048, within(1e-15));
    }

    @Test
    void aWarmupLongerThanTheRunIsRejectedNamingTheKey() {
        OptimConfig optim = new OptimConfig("sgd", 0.9, 1e-6, 0.3, 256, 0.0, 0.001, 500, 0.001, false, true);
        assertThatThrownBy(() -> LrSchedule.of(optim, 256, 100))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("optim.warmup_steps");
        assertThatThrownBy(() -> schedule.at(-1)).hasMessageContaining("iteration must be >= 0");
        assertThatThrownBy(() -> new LrSchedule(0, 1, 0, 10, 0)).hasMessageContaining("totalSteps");
    }
}
