package org.seer4j.app.wiring;

import com.google.inject.Guice;
import com.google.inject.Injector;
import org.seer4j.app.engine.Engines;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.service.ProgressListener;

/** Builds the injector of a run: core services, data adapters, and the engine the config names. */
public final class Injectors {
    private Injectors() {
    }

    public static Injector forRun(RunConfig config, ProgressListener progress) {
        return Guice.createInjector(new CoreModule(progress), new RunDataModule(), Engines.module(config.backend().name()));
    }
}
