package org.seer4j.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import org.seer4j.app.engine.Collectives;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.TensorFile;
import org.seer4j.core.service.CheckpointReader;
import org.seer4j.core.service.CheckpointStoreFactory;
import org.seer4j.core.service.EmbedService;
import org.seer4j.core.service.EvaluateService;
import org.seer4j.core.service.FinetuneService;
import org.seer4j.core.service.ImageSources;
import org.seer4j.core.service.MetricsSinkFactory;
import org.seer4j.core.service.PretrainService;
import org.seer4j.core.service.ProgressListener;
import org.seer4j.core.service.Ticker;
import org.seer4j.core.service.TrainingDataFactory;
import org.seer4j.core.usecase.EmbedUseCase;
import org.seer4j.core.usecase.EvaluateUseCase;
import org.seer4j.core.usecase.FinetuneUseCase;
import org.seer4j.core.usecase.PretrainUseCase;

/**
 * The core's services and use cases. The core stays free of injection annotations, so the services are built
 * here from the ports the engine module ({@code DjlBackendModule}, {@code TensorFlowBackendModule}) and the data
 * module bind. The progress listener is the caller's (a console display, or none for library use).
 */
public final class CoreModule extends AbstractModule {
    private final ProgressListener progress;

    public CoreModule() {
        this(ProgressListener.NONE);
    }

    public CoreModule(ProgressListener progress) {
        this.progress = progress;
    }

    @Override
    protected void configure() {
        bind(PretrainUseCase.class).to(PretrainService.class);
        bind(EvaluateUseCase.class).to(EvaluateService.class);
        bind(EmbedUseCase.class).to(EmbedService.class);
        bind(FinetuneUseCase.class).to(FinetuneService.class);
        bind(ProgressListener.class).toInstance(progress);
        bind(Ticker.class).toInstance(Ticker.SYSTEM);
    }

    @Provides
    @Singleton
    PretrainService pretrain(Engine engine, TrainingDataFactory data, CheckpointStoreFactory checkpoints,
                             MetricsSinkFactory metrics, ProgressListener listener, Ticker ticker,
                             Collective collective, CheckpointReader weights) {
        return new PretrainService(engine, data, checkpoints, metrics, listener, ticker, collective, weights);
    }

    /**
     * One process, or a worker of a data-parallel job when launcher variables are set, on the collective engine that
     * suits the bound engine (docs/distributed.md).
     */
    @Provides
    @Singleton
    Collective collective(Engine engine) {
        return Collectives.fromEnvironment(System.getenv(), Collectives.timeout(System.getenv()), engine.name());
    }

    @Provides
    @Singleton
    EvaluateService evaluate(Engine engine, ImageSources sources, CheckpointReader checkpoints) {
        return new EvaluateService(engine, sources, checkpoints);
    }

    @Provides
    @Singleton
    FinetuneService finetune(Engine engine, ImageSources sources, CheckpointReader checkpoints,
                             CheckpointStoreFactory stores, TensorFile tensors, ProgressListener listener) {
        return new FinetuneService(engine, sources, checkpoints, stores, tensors, listener);
    }

    @Provides
    @Singleton
    EmbedService embed(Engine engine, ImageSources sources, CheckpointReader checkpoints, TensorFile tensors) {
        return new EmbedService(engine, sources, checkpoints, tensors);
    }
}
