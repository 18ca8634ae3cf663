package org.seer4j.tensorflow;

import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.testing.TinyModels;

/** core's tiny nets and batches (test-jar), opened as TensorFlow models. */
final class TinyNets extends TinyModels {
    private TinyNets() {
    }

    static TfSwavModel open(ModelDefinition def, EngineSettings settings, GroupedConv conv, long seed) {
        return new TensorFlowEngine(conv).open(def, settings, randomWeights(def, seed));
    }
}
