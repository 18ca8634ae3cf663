package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DeviceChoiceTest {
    private final Engine pytorch = Engine.getEngine("PyTorch");

    @Test
    void gpuWithoutCudaNativesFailsAndExplainsTheLocalLibtorchRoute() {
        // With a CUDA libtorch installed the route is already taken and there is nothing to explain.
        org.junit.jupiter.api.Assumptions.assumeTrue(pytorch.getGpuCount() == 0);
        assertThatThrownBy(() -> DeviceChoice.resolve("gpu", pytorch))
                .hasMessageContaining("PYTORCH_LIBRARY_PATH")
                .hasMessageContaining("PYTORCH_FLAVOR=cu128")
                .hasMessageContaining("PYTORCH_VERSION=2.7.1");
    }

    @Test
    void autoFallsBackToTheCpuWhenNoGpuIsUsable() {
        Device expected = pytorch.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        assertThat(DeviceChoice.resolve("auto", pytorch)).isEqualTo(expected);
        assertThat(DeviceChoice.resolve("cpu", pytorch)).isEqualTo(Device.cpu());
    }

    @Test
    void aWorkerTrainsOnTheGpuOfItsLocalRank() {
        assertThat(DeviceChoice.gpu(1, 4)).isEqualTo(Device.gpu(1));
        assertThat(DeviceChoice.gpu(3, 1)).isEqualTo(Device.gpu(0));
        assertThatThrownBy(() -> DeviceChoice.gpu(4, 4)).hasMessageContaining("LOCAL_RANK 4 has no GPU of its own");
    }

    @Test
    void anUnknownDeviceIsNamedInTheError() {
        assertThatThrownBy(() -> DeviceChoice.resolve("tpu", pytorch)).hasMessageContaining("got tpu");
    }
}
