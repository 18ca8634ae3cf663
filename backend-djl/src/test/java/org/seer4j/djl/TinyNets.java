package org.seer4j.djl;

import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.testing.TinyModels;

/** core's tiny nets and batches (test-jar), opened as DJL models. */
final class TinyNets extends TinyModels {
    private TinyNets() {
    }

    static SwavConfig swavConfig(int prototypes) {
        return swavConfig(prototypes, 0);
    }

    static OptimConfig lars(double lr) {
        return lars(lr, false);
    }

    static DjlSwavModel open(ModelDefinition def, EngineSettings settings, DataType type, long seed) {
        DjlSwavModel model = new DjlEngine().open(def, settings, Map.of(), type);
        model.loadWeights(randomWeights(model, seed));
        return model;
    }

    /** Random weights for the parameters the model lists, in its order. */
    static Map<String, Tensor> randomWeights(DjlSwavModel model, long seed) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (ModelParameters.Entry e : model.parameters().all()) shapes.put(e.name(), Convert.toInts(e.shape()));
        return randomWeights(shapes, seed);
    }
}
