package org.seer4j.core.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepProfileTest {

    @Test
    void everyKindIsListedInOrderAndMissingKindsAreZero() {
        StepProfile p = StepProfile.of("m", 10, Map.of(OpKind.HEAD, new OpTime(OpKind.HEAD, 1, 2, 3)));
        assertThat(p.ops()).extracting(OpTime::kind).containsExactly(OpKind.values());
        assertThat(p.get(OpKind.HEAD).totalMs()).isEqualTo(3);
        assertThat(p.get(OpKind.CONV_1X1).totalMs()).isZero();
    }

    @Test
    void theMeanIsPerKind() {
        StepProfile a = StepProfile.of("m", 10, Map.of(OpKind.BATCH_NORM, new OpTime(OpKind.BATCH_NORM, 1, 3, 10)));
        StepProfile b = StepProfile.of("m", 20, Map.of(OpKind.BATCH_NORM, new OpTime(OpKind.BATCH_NORM, 2, 5, 10)));
        StepProfile mean = StepProfile.mean(List.of(a, b));
        assertThat(mean.stepMs()).isCloseTo(15, within(1e-12));
        assertThat(mean.get(OpKind.BATCH_NORM).forwardMs()).isCloseTo(1.5, within(1e-12));
        assertThat(mean.get(OpKind.BATCH_NORM).backwardMs()).isCloseTo(4, within(1e-12));
        assertThat(mean.get(OpKind.BATCH_NORM).calls()).isEqualTo(10);
    }

    @Test
    void anEngineWithoutOpTimesReportsItsPhases() {
        StepProfile p = StepProfile.ofPhases(new StepResult(1.0, 100_000_000, 2_000_000, 300_000_000, 40_000_000));
        assertThat(p.stepMs()).isCloseTo(442, within(1e-9));
        assertThat(p.get(OpKind.UNATTRIBUTED).forwardMs()).isCloseTo(100, within(1e-9));
        assertThat(p.get(OpKind.UNATTRIBUTED).backwardMs()).isCloseTo(300, within(1e-9));
        assertThat(p.get(OpKind.SINKHORN).forwardMs()).isCloseTo(2, within(1e-9));
        assertThat(p.get(OpKind.OPTIMIZER).forwardMs()).isCloseTo(40, within(1e-9));
    }

    @Test
    void entriesOutOfOrderOrNegativeAreRefused() {
        assertThatThrownBy(() -> new OpTime(OpKind.HEAD, -1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StepProfile("m", 1, List.of(new OpTime(OpKind.HEAD, 0, 0, 0))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
