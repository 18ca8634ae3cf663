package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

class SessionConfigsTest {

    @Test
    void aWorkerSeesOnlyTheGpuOfItsLocalRank() {
        assertThat(SessionConfigs.placeOnGpu(ConfigProto.newBuilder(), 3, 4).getGpuOptions().getVisibleDeviceList())
                .isEqualTo("3");
        assertThat(SessionConfigs.placeOnGpu(ConfigProto.newBuilder(), 2, -1).getGpuOptions().getVisibleDeviceList())
                .isEqualTo("2");
        // one GPU per task (CUDA_VISIBLE_DEVICES of one entry): that one
        assertThat(SessionConfigs.placeOnGpu(ConfigProto.newBuilder(), 5, 1).getGpuOptions().getVisibleDeviceList())
                .isEqualTo("0");
        assertThat(SessionConfigs.placeOnGpu(ConfigProto.newBuilder(), 1, 0).getDeviceCountMap()).containsEntry("GPU", 0);
    }

    @Test
    void theCpuHidesEveryGpuWhateverTheLocalRank() {
        assertThat(SessionConfigs.of("cpu", 1, 3).getDeviceCountMap()).containsEntry("GPU", 0);
        assertThat(SessionConfigs.of("cpu", 1, 3).getGpuOptions().getVisibleDeviceList()).isEmpty();
    }
}
