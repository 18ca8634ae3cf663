package org.seer4j.app.wiring;

import com.google.inject.AbstractModule;
import org.seer4j.core.port.TensorFile;
import org.seer4j.core.service.ImageSources;
import org.seer4j.core.service.TrainingDataFactory;
import org.seer4j.data.safetensors.SafetensorsFile;

/** The data side of a run: image sources and multi-crop batches, weight files, checkpoints and metrics. */
public final class DataModule extends AbstractModule {
    @Override
    protected void configure() {
        DataSources sources = new DataSources();
        bind(ImageSources.class).toInstance(sources);
        bind(TrainingDataFactory.class).toInstance(sources);
        bind(TensorFile.class).toInstance(new SafetensorsFile());
    }
}
