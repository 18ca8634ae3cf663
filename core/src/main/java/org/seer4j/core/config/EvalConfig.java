package org.seer4j.core.config;

import java.util.List;

/**
 * The {@code eval} section: how frozen features are judged.
 *
 * @param protocol       {@code linear}, {@code knn} or {@code both}
 * @param knnK           neighbours voting in kNN
 * @param knnTemperature temperature of the exp(cos / T) vote weights
 * @param linearEpochs   passes of the logistic-regression probe
 * @param testFraction   held-out share when the data has no separate test split
 */
public record EvalConfig(String protocol, int knnK, double knnTemperature, int linearEpochs, double testFraction) {

    public static final List<String> PROTOCOLS = List.of("linear", "knn", "both");

    public EvalConfig {
        Check.oneOf("eval.protocol", protocol, PROTOCOLS);
        Check.positive("eval.knn_k", knnK);
        Check.positive("eval.knn_temperature", knnTemperature);
        Check.positive("eval.linear_epochs", linearEpochs);
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new ConfigException("eval.test_fraction", "must be in (0, 1), got " + testFraction);
        }
    }

    public static EvalConfig defaults() {
        return new EvalConfig("both", 20, 0.07, 100, 0.2);
    }
}
