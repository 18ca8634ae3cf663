package org.seer4j.core.finetune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The labelled images a fine-tuning uses: from every class, {@code max(1, round(fraction * n_c))} of its
 * {@code n_c} images, so every class is represented and each keeps its share (SimCLR's 1% / 10% ImageNet subsets
 * are balanced the same way). Within a class the images with the smallest seeded hash of their id are taken, so
 * the subset depends only on (ids, labels, seed, fraction) — not on the order images are read in — and a smaller
 * fraction's subset lies inside a larger one's.
 */
public final class LabelSubset {
    private LabelSubset() {
    }

    /** One labelled image: its id and class. */
    public record Labelled(String id, int label) {
    }

    /** The ids chosen from {@code images} (labels >= 0). */
    public static Set<String> choose(List<Labelled> images, double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the label fraction must be in (0, 1], got " + fraction);
        }
        Map<Integer, List<Labelled>> byClass = new TreeMap<>();
        for (Labelled l : images) {
            if (l.label() < 0) throw new IllegalArgumentException("image " + l.id() + " has no label");
            byClass.computeIfAbsent(l.label(), c -> new ArrayList<>()).add(l);
        }
        Set<String> chosen = new HashSet<>();
        for (List<Labelled> members : byClass.values()) {
            int take = Math.max(1, (int) Math.round(fraction * members.size()));
            List<Labelled> ranked = new ArrayList<>(members);
            ranked.sort(Comparator.comparingLong((Labelled l) -> rank(l.id(), seed)).thenComparing(Labelled::id));
            for (int i = 0; i < take; i++) chosen.add(ranked.get(i).id());
        }
        return chosen;
    }

    /** SplitMix64 of the id's string hash and the seed: a fixed pseudo-random rank per (id, seed). */
    static long rank(String id, long seed) {
        long z = seed * 0x9E3779B97F4A7C15L + id.hashCode() + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
