package org.seer4j.data.views;

import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;
import org.seer4j.data.random.Rng;

/**
 * Everything random about one crop, drawn before any pixel is touched (so tests can check the draws and the
 * pixel work separately).
 *
 * @param box         the source rectangle
 * @param flip        mirrored left-right
 * @param jitterOrder order of brightness (0), contrast (1), saturation (2), hue (3); null when jitter is off
 * @param brightness  factors as torchvision draws them: uniform in [max(0, 1 - b), 1 + b], hue in [-h, h]
 * @param grayscale   converted to gray after the jitter
 * @param blurSigma   Gaussian blur sigma, 0 for none
 */
public record CropParams(CropBox box, boolean flip, int[] jitterOrder, float brightness, float contrast,
                         float saturation, float hue, boolean grayscale, double blurSigma) {

    /** Draws in SwAV's order: crop, flip, jitter (applied?, order, 4 factors), grayscale, blur (applied?, sigma). */
    public static CropParams draw(Rng rng, int width, int height, CropGroup group, Augmentation a) {
        CropBox box = RandomResizedCrop.sample(rng, width, height, group.minScale(), group.maxScale());
        boolean flip = rng.chance(a.flipProbability());
        int[] order = null;
        float b = 1;
        float c = 1;
        float s = 1;
        float h = 0;
        if (rng.chance(a.jitterProbability())) {
            order = new int[] {0, 1, 2, 3};
            for (int i = 3; i > 0; i--) { // Fisher-Yates, as a random permutation like torch.randperm(4)
                int j = rng.intBetween(0, i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            b = factor(rng, a.brightness());
            c = factor(rng, a.contrast());
            s = factor(rng, a.saturation());
            h = a.hue() > 0 ? (float) rng.uniform(-a.hue(), a.hue()) : 0;
        }
        boolean gray = rng.chance(a.grayscaleProbability());
        double sigma = rng.chance(a.blurProbability()) ? rng.uniform(a.blurSigmaMin(), a.blurSigmaMax()) : 0;
        return new CropParams(box, flip, order, b, c, s, h, gray, sigma);
    }

    private static float factor(Rng rng, double strength) {
        return strength > 0 ? (float) rng.uniform(Math.max(0, 1 - strength), 1 + strength) : 1f;
    }
}
