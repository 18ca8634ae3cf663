package org.seer4j.core.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GpuPlacementTest {

    @Test
    void eachWorkerOfANodeTakesTheGpuOfItsLocalRank() {
        for (int local = 0; local < 8; local++) {
            assertThat(GpuPlacement.gpuFor(local, 8)).isEqualTo(local);
        }
        assertThat(GpuPlacement.gpuFor(3, -1)).isEqualTo(3);
    }

    @Test
    void aWorkerThatSeesOneGpuTakesItWhateverItsLocalRank() {
        // SLURM --gpus-per-task=1: CUDA_VISIBLE_DEVICES holds one GPU per task, seen as device 0
        assertThat(GpuPlacement.gpuFor(5, 1)).isZero();
    }

    @Test
    void moreWorkersThanGpusOnANodeIsRefusedSayingWhatToChange() {
        assertThatThrownBy(() -> GpuPlacement.gpuFor(2, 2)).hasMessageContaining("LOCAL_RANK 2 has no GPU of its own")
                .hasMessageContaining("at most 2 workers per node (--nproc-per-node)");
        assertThatThrownBy(() -> GpuPlacement.gpuFor(0, 0)).hasMessageContaining("no GPU is visible");
    }

    @Test
    void cudaVisibleDevicesCountsTheGpusAProcessSees() {
        assertThat(GpuPlacement.visibleGpus(null)).isEqualTo(-1);
        assertThat(GpuPlacement.visibleGpus("2")).isEqualTo(1);
        assertThat(GpuPlacement.visibleGpus("0,1,2,3")).isEqualTo(4);
        assertThat(GpuPlacement.visibleGpus("")).isZero();
        assertThat(GpuPlacement.visibleGpus("-1")).isZero();
    }
}
