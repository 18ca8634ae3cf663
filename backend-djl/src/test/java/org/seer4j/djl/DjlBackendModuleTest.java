package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import org.junit.jupiter.api.Test;
import org.seer4j.core.port.Engine;

class DjlBackendModuleTest {
    @Test
    void theModuleBindsTheEnginePortToDjlWithThePytorchVersionForProvenance() {
        Engine engine = Guice.createInjector(new DjlBackendModule()).getInstance(Engine.class);
        assertThat(engine).isInstanceOf(DjlEngine.class);
        assertThat(engine.name()).isEqualTo("djl");
        assertThat(engine.version()).contains("DJL 0.36.0").contains("PyTorch 2.7.1");
    }
}
