package org.seer4j.djl;

import com.google.inject.AbstractModule;
import org.seer4j.core.port.Engine;

/** Guice wiring: the {@link Engine} port is DJL with the PyTorch engine. */
public final class DjlBackendModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(Engine.class).to(DjlEngine.class);
    }
}
