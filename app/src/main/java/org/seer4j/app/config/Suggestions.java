package org.seer4j.app.config;

import java.util.Collection;
import java.util.Optional;

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
            int d = distance(w, c.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? Optional.of(best) : Optional.empty();
    }

    /** Insertions, deletions and substitutions needed to turn {@code a} into {@code b}; two rows of the table. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
