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

    @Test
    void aMultiCropStepGivesEachCropGroupAnInterOpThreadAndEachOpTheRest() {
        ConfigProto two = SessionConfigs.forCropGroups("cpu", 2, 2, 0);
        assertThat(two.getInterOpParallelismThreads()).isEqualTo(2);
        assertThat(two.getIntraOpParallelismThreads()).isEqualTo(1);
        assertThat(two.getUsePerSessionThreads()).isTrue();
        assertThat(two.getDeviceCountMap()).containsEntry("GPU", 0);
        ConfigProto sixteen = SessionConfigs.forCropGroups("cpu", 16, 2, 0);
        assertThat(sixteen.getInterOpParallelismThreads()).isEqualTo(2);
        assertThat(sixteen.getIntraOpParallelismThreads()).isEqualTo(8);
        // more groups than threads: one thread each, never zero
        ConfigProto one = SessionConfigs.forCropGroups("cpu", 1, 3, 0);
        assertThat(one.getInterOpParallelismThreads()).isEqualTo(1);
        assertThat(one.getIntraOpParallelismThreads()).isEqualTo(1);
        // 0: every core
        int cores = Runtime.getRuntime().availableProcessors();
        ConfigProto all = SessionConfigs.forCropGroups("cpu", 0, 1, 0);
        assertThat(all.getInterOpParallelismThreads()).isEqualTo(1);
        assertThat(all.getIntraOpParallelismThreads()).isEqualTo(cores);
    }
}
