package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import org.junit.jupiter.api.Test;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.EngineSettings;

class TensorFlowEngineTest {

    @Test
    void theGuiceModuleBindsTheEnginePortToTensorFlow() {
        Engine engine = Guice.createInjector(new TensorFlowBackendModule()).getInstance(Engine.class);
        assertThat(engine.name()).isEqualTo("tensorflow");
        assertThat(engine.version()).contains("TensorFlow 2.18");
    }

    @Test
    void askingForTheGpuWithoutTheGpuNativesIsRefusedWithAClearMessage() {
        EngineSettings gpu = new EngineSettings("gpu", 1, 1, TinyNets.swavConfig(10, 0), TinyNets.sgd(0.1),
                TinyNets.views(), 2, Collective.SINGLE);
        assertThatThrownBy(() -> new TensorFlowEngine().open(TinyNets.swav(false, false, 10), gpu))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("linux-x86_64-gpu").hasMessageContaining("device cpu");
    }

    @Test
    void moreThanOneWorkerIsRefusedRatherThanSilentlyTrainingAlone() {
        Collective two = new Collective() {
            public int rank() {
                return 0;
            }

            public int worldSize() {
                return 2;
            }

            public void allReduceSum(float[] buffer) {
            }

            public void broadcast(float[] buffer, int root) {
            }

            public void barrier() {
            }
        };
        EngineSettings s = new EngineSettings("cpu", 1, 1, TinyNets.swavConfig(10, 0), TinyNets.sgd(0.1),
                TinyNets.views(), 2, two);
        assertThatThrownBy(() -> new TensorFlowEngine().open(TinyNets.swav(false, false, 10), s))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("2 workers");
    }

    @Test
    void theMatrixMultiplyRateIsMeasuredOnTheEnginesOwnKernels() {
        assertThat(new TensorFlowEngine().sgemmGflops(128, 1)).isPositive().isFinite();
    }
}
