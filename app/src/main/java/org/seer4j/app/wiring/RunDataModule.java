package org.seer4j.app.wiring;

import com.google.inject.AbstractModule;
import org.seer4j.core.service.CheckpointReader;
import org.seer4j.core.service.CheckpointStoreFactory;
import org.seer4j.core.service.ImageSources;
import org.seer4j.app.run.FirstViews;
import org.seer4j.app.run.RecordingMetrics;
import org.seer4j.core.service.MetricsSinkFactory;
import org.seer4j.core.service.TrainingDataFactory;
import org.seer4j.data.DataModule;

/**
 * The data side of a run on top of data-adapters' own module (safetensors files): image sources and multi-crop
 * batches from the {@code data} section, checkpoint folders, metrics files.
 */
public final class RunDataModule extends AbstractModule {
    @Override
    protected void configure() {
        install(new DataModule());
        DataSources sources = new DataSources();
        bind(ImageSources.class).toInstance(sources);
        FirstViews views = new FirstViews(sources);
        bind(FirstViews.class).toInstance(views);
        bind(TrainingDataFactory.class).toInstance(views);
        Checkpoints checkpoints = new Checkpoints();
        bind(CheckpointStoreFactory.class).toInstance(checkpoints);
        bind(CheckpointReader.class).toInstance(checkpoints);
        RecordingMetrics metrics = new RecordingMetrics(new MetricsFiles());
        bind(RecordingMetrics.class).toInstance(metrics);
        bind(MetricsSinkFactory.class).toInstance(metrics);
    }
}
