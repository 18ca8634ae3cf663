package org.seer4j.core.views;

import java.util.List;
import org.seer4j.core.config.ConfigException;

/**
 * Per-crop augmentation after the random-resized crop (SwAV's recipe by default).
 *
 * @param flipProbability      horizontal flip
 * @param jitterStrength       s: brightness, contrast, saturation 0.8s, hue 0.2s
 * @param jitterProbability    colour jitter applied with this probability
 * @param grayscaleProbability
 * @param blurProbability      Gaussian blur
 * @param blurSigmaMin         blur radius range (sigma, pixels)
 * @param blurSigmaMax
 * @param mean                 per-channel normalisation mean (RGB)
 * @param std                  per-channel normalisation std (RGB)
 */
public record Augmentation(double flipProbability, double jitterStrength, double jitterProbability,
                           double grayscaleProbability, double blurProbability, double blurSigmaMin,
                           double blurSigmaMax, List<Double> mean, List<Double> std) {

    public Augmentation {
        prob("views.augmentation.flip_probability", flipProbability);
        if (!(jitterStrength >= 0) || Double.isInfinite(jitterStrength)) {
            throw new ConfigException("views.augmentation.jitter_strength", "must be >= 0, got " + jitterStrength);
        }
        prob("views.augmentation.jitter_probability", jitterProbability);
        prob("views.augmentation.grayscale_probability", grayscaleProbability);
        prob("views.augmentation.blur_probability", blurProbability);
        if (!(blurSigmaMin > 0)) throw new ConfigException("views.augmentation.blur_sigma_min", "must be > 0, got " + blurSigmaMin);
        if (!(blurSigmaMax >= blurSigmaMin)) {
            throw new ConfigException("views.augmentation.blur_sigma_max",
                    "must be >= blur_sigma_min (" + blurSigmaMin + "), got " + blurSigmaMax);
        }
        mean = triple("views.augmentation.mean", mean);
        std = triple("views.augmentation.std", std);
        for (double s : std) {
            if (!(s > 0)) throw new ConfigException("views.augmentation.std", "values must be > 0, got " + std);
        }
    }

    public static Augmentation defaults() {
        return new Augmentation(0.5, 1.0, 0.8, 0.2, 0.5, 0.1, 2.0,
                List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));
    }

    public double brightness() {
        return 0.8 * jitterStrength;
    }

    public double contrast() {
        return 0.8 * jitterStrength;
    }

    public double saturation() {
        return 0.8 * jitterStrength;
    }

    public double hue() {
        return Math.min(0.5, 0.2 * jitterStrength);
    }

    private static void prob(String key, double p) {
        if (!(p >= 0 && p <= 1)) throw new ConfigException(key, "must be a probability in [0, 1], got " + p);
    }

    private static List<Double> triple(String key, List<Double> v) {
        if (v == null || v.size() != 3) throw new ConfigException(key, "needs 3 values (R, G, B), got " + v);
        return List.copyOf(v);
    }
}
