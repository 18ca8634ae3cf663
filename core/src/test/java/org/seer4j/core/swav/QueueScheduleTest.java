package org.seer4j.core.swav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.seer4j.core.config.ConfigException;

class QueueScheduleTest {

    @Test
    void eachWorkerKeepsItsShareOfTheJobsQueueAndFillsItWithItsShareOfTheBatch() {
        // SwAV's main_swav.py: queue_length // world_size rows per worker; global batch 12, queue 48 from step 3
        for (int workers : new int[] {1, 2, 3, 4}) {
            QueueSchedule s = new QueueSchedule(48, 3, 12 / workers, workers);
            assertThat(s.rowsPerWorker()).isEqualTo(48 / workers);
            EmbeddingQueue queue = new EmbeddingQueue(s.rowsPerWorker(), 2);
            for (long it = 0; it < 12; it++) {
                // the engine's own count and the schedule agree at every step, and with one worker's
                assertThat(s.full(it)).as("%d workers, step %d", workers, it).isEqualTo(queue.full());
                assertThat(s.full(it)).isEqualTo(it >= 3 + 4);
                if (s.fills(it)) queue.push(new float[s.localBatch() * 2], s.localBatch());
            }
        }
    }

    @Test
    void withoutALengthNothingFillsAndNothingIsFull() {
        QueueSchedule s = new QueueSchedule(0, 0, 4, 2);
        assertThat(s.fills(10)).isFalse();
        assertThat(s.full(10)).isFalse();
    }

    @Test
    void aLengthThatDoesNotSplitBetweenTheWorkersIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new QueueSchedule(10, 0, 1, 3)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("swav.queue_length").hasMessageContaining("3 data-parallel workers");
        assertThatThrownBy(() -> new QueueSchedule(4, 0, 4, 2)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fewer than its batch of 4");
    }
}
