package org.seer4j.app.config;

import java.util.Collection;
import java.util.Optional;
import org.seer4j.core.text.EditDistance;

/** "Did you mean ...?": the known word nearest to a misspelt one by edit distance, when it is near enough. */
final class Suggestions {
    private Suggestions() {
    }

    /**
     * The candidate with the smallest Levenshtein distance to {@code word} (case-insensitive), provided the
     * distance is at most a third of the word's length (at least 2): beyond that a suggestion is a guess.
     */
    static Optional<String> nearest(String word, Collection<String> candidates) {
        String w = word.toLowerCase(java.util.Locale.ROOT);
        int limit = Math.max(2, w.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = EditDistance.between(w, c.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? Optional.of(best) : Optional.empty();
    }
}
