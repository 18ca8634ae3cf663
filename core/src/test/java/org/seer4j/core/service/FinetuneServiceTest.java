package org.seer4j.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.seer4j.core.tensor.Tensor;

class FinetuneServiceTest {
    @Test
    void anEpochHasItsFullBatchesAndALastOneOfAtLeastTwoImages() {
        assertThat(FinetuneService.stepsPerEpoch(64, 16)).isEqualTo(4);
        assertThat(FinetuneService.stepsPerEpoch(65, 16)).isEqualTo(4);
        assertThat(FinetuneService.stepsPerEpoch(66, 16)).isEqualTo(5);
        assertThat(FinetuneService.stepsPerEpoch(1, 16)).isZero();
    }

    @Test
    void theRankCountsHigherScoresAndLowerIndexedTies() {
        Tensor logits = Tensor.of(new float[] {0.1f, 0.9f, 0.5f, 0.9f, -1f, 0.5f}, 1, 6);
        assertThat(FinetuneService.rankOf(logits, 0, 6, 1)).isZero();
        assertThat(FinetuneService.rankOf(logits, 0, 6, 3)).isEqualTo(1);   // tied with class 1, which comes first
        assertThat(FinetuneService.rankOf(logits, 0, 6, 2)).isEqualTo(2);
        assertThat(FinetuneService.rankOf(logits, 0, 6, 5)).isEqualTo(3);
        assertThat(FinetuneService.rankOf(logits, 0, 6, 4)).isEqualTo(5);
    }
}
