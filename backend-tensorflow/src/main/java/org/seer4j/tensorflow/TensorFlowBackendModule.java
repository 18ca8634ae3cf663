package org.seer4j.tensorflow;

import com.google.inject.AbstractModule;
import org.seer4j.core.port.Engine;

/** Guice wiring: the {@link Engine} port is TensorFlow Java in graph mode. */
public final class TensorFlowBackendModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(Engine.class).to(TensorFlowEngine.class);
    }
}
