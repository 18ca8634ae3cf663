package org.seer4j.data;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import org.seer4j.core.port.TensorFile;
import org.seer4j.data.safetensors.SafetensorsFile;

/** Guice bindings of data-adapters: the safetensors {@link TensorFile} and the {@link DataAdapters} factory. */
public final class DataModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(TensorFile.class).to(SafetensorsFile.class).in(Singleton.class);
        bind(DataAdapters.class).in(Singleton.class);
    }
}
