package org.seer4j.core.swav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.seer4j.core.tensor.Tensor;

class EmbeddingQueueTest {

    @Test
    void theNewestBatchGoesOnTopAndTheOldestFallsOffTheBottom() {
        EmbeddingQueue queue = new EmbeddingQueue(4, 2);
        queue.push(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        assertThat(queue.contents().toArray()).containsExactly(1, 2, 3, 4, 0, 0, 0, 0);
        assertThat(queue.full()).isFalse();
        queue.push(Tensor.of(new float[] {5, 6, 7, 8}, 2, 2));
        assertThat(queue.contents().toArray()).containsExactly(5, 6, 7, 8, 1, 2, 3, 4);
        assertThat(queue.full()).isTrue();
        queue.push(new float[] {9, 10, 11, 12}, 2);
        assertThat(queue.contents().toArray()).containsExactly(9, 10, 11, 12, 5, 6, 7, 8);
        assertThat(queue.pushedRows()).isEqualTo(6);
    }

    @Test
    void scoresAreQueueRowsDottedWithEachPrototype() {
        EmbeddingQueue queue = new EmbeddingQueue(2, 2);
        queue.push(Tensor.of(new float[] {1, 2, -3, 0.5f}, 2, 2));
        double[][] prototypes = {{1, 0}, {0, 1}, {1, 1}};
        assertThat(queue.scores(prototypes)).isDeepEqualTo(new double[][] {{1, 2, 3}, {-3, 0.5, -2.5}});
        assertThat(queue.scores(Matrices.toTensor(prototypes))).isDeepEqualTo(queue.scores(prototypes));
    }

    @Test
    void aQueueThatIsNotFullRefusesToScore() {
        EmbeddingQueue queue = new EmbeddingQueue(4, 2);
        queue.push(new float[] {1, 2}, 1);
        assertThatThrownBy(() -> queue.scores(new double[][] {{1, 0}}))
                .hasMessageContaining("holds 1 of 4 rows");
    }

    @Test
    void aRestoredQueueContinuesWhereTheSavedOneStopped() {
        EmbeddingQueue queue = new EmbeddingQueue(3, 1);
        queue.push(new float[] {1, 2}, 2);
        EmbeddingQueue restored = EmbeddingQueue.restore(queue.contents(), queue.pushedRows());
        queue.push(new float[] {3}, 1);
        restored.push(new float[] {3}, 1);
        assertThat(restored.contents()).isEqualTo(queue.contents());
        assertThat(restored.full()).isTrue();
    }

    @Test
    void badBatchesAreRejectedWithAMessage() {
        EmbeddingQueue queue = new EmbeddingQueue(2, 3);
        assertThatThrownBy(() -> queue.push(new float[9], 3)).hasMessageContaining("between 1 and 2");
        assertThatThrownBy(() -> queue.push(new float[5], 2)).hasMessageContaining("needs 6 values, got 5");
        assertThatThrownBy(() -> queue.push(Tensor.zeros(2, 4))).hasMessageContaining("[batch, 3]");
        assertThatThrownBy(() -> new EmbeddingQueue(0, 3)).hasMessageContaining("queue length");
    }

    @Test
    void aSavedQueueOfAnotherLengthIsFilledToTheSameFractionWithItsNewestRows() {
        // rows r0 (newest) .. r3 of a full 4-row queue, as 8 rows: repeated; as 2 rows: the newest two
        float[] four = {1, 1, 2, 2, 3, 3, 4, 4};
        org.seer4j.core.tensor.Tensor saved = org.seer4j.core.tensor.Tensor.of(four, 4, 2);
        assertThat(EmbeddingQueue.pushedRows(saved)).isEqualTo(4);
        EmbeddingQueue longer = EmbeddingQueue.resized(saved, 4, 8);
        assertThat(longer.full()).isTrue();
        assertThat(longer.contents().toArray()).containsExactly(1, 1, 2, 2, 3, 3, 4, 4, 1, 1, 2, 2, 3, 3, 4, 4);
        EmbeddingQueue shorter = EmbeddingQueue.resized(saved, 4, 2);
        assertThat(shorter.full()).isTrue();
        assertThat(shorter.contents().toArray()).containsExactly(1, 1, 2, 2);
        // half full (2 of 4 pushed): half of 8, from the two real rows; the rest not pushed
        org.seer4j.core.tensor.Tensor half = org.seer4j.core.tensor.Tensor.of(new float[] {1, 1, 2, 2, 0, 0, 0, 0}, 4, 2);
        assertThat(EmbeddingQueue.pushedRows(half)).isEqualTo(2);
        EmbeddingQueue resized = EmbeddingQueue.resized(half, 2, 8);
        assertThat(resized.pushedRows()).isEqualTo(4);
        assertThat(resized.full()).isFalse();
        assertThat(resized.contents().toArray()).containsExactly(1, 1, 2, 2, 1, 1, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(EmbeddingQueue.resized(org.seer4j.core.tensor.Tensor.of(new float[8], 4, 2), 0, 8).pushedRows())
                .isZero();
    }
}
