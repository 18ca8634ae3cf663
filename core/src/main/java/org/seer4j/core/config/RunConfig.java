package org.seer4j.core.config;

/** One run, as read from a YAML document plus overrides: every section validated on construction. */
public record RunConfig(ModelConfig model, ViewsConfig views, SwavConfig swav, OptimConfig optim, TrainConfig train,
                        DataConfig data, BackendConfig backend, EvalConfig eval, OutputConfig output) {

    public RunConfig {
        Check.present("model", model);
        Check.present("views", views);
        Check.present("swav", swav);
        Check.present("optim", optim);
        Check.present("train", train);
        Check.present("data", data);
        Check.present("backend", backend);
        Check.present("eval", eval);
        Check.present("output", output);
        if (swav.queueLength() > 0 && swav.queueLength() % train.batchSize() != 0) {
            throw new ConfigException("swav.queue_length",
                    "must be a multiple of train.batch_size (" + train.batchSize() + "), got " + swav.queueLength());
        }
    }

    public static RunConfig defaults() {
        return new RunConfig(ModelConfig.defaults(), ViewsConfig.defaults(), SwavConfig.defaults(),
                OptimConfig.defaults(), TrainConfig.defaults(), DataConfig.defaults(), BackendConfig.defaults(),
                EvalConfig.defaults(), OutputConfig.defaults());
    }
}
