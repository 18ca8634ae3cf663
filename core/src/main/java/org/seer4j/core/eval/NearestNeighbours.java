package org.seer4j.core.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The usual sanity check of self-supervised features: for a few query rows, the gallery rows closest by cosine
 * similarity. Exact search (every query against every gallery row); ties go to the lower gallery row.
 */
public final class NearestNeighbours {
    /** A gallery row and its cosine similarity to the query. */
    public record Match(int row, double similarity) {
    }

    private NearestNeighbours() {
    }

    /**
     * The {@code k} gallery rows most similar to each query row, most similar first.
     *
     * @param queries row-major, {@code queries.length / cols} rows
     * @param gallery row-major, {@code gallery.length / cols} rows
     */
    public static List<List<Match>> search(float[] queries, float[] gallery, int cols, int k) {
        int q = queries.length / cols;
        int n = gallery.length / cols;
        double[] galleryNorms = norms(gallery, n, cols);
        double[] queryNorms = norms(queries, q, cols);
        List<List<Match>> out = new ArrayList<>();
        for (int i = 0; i < q; i++) {
            int keep = Math.min(k, n);
            int[] rows = new int[keep];
            double[] sims = new double[keep];
            int held = 0;
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int c = 0; c < cols; c++) dot += (double) queries[i * cols + c] * gallery[j * cols + c];
                double sim = dot / (queryNorms[i] * galleryNorms[j]);
                if (held == keep && !(sim > sims[keep - 1])) continue;
                // insertion into the sorted top-k; a strictly greater similarity moves ahead (ties keep order)
                int at = held == keep ? keep - 1 : held++;
                while (at > 0 && sim > sims[at - 1]) {
                    sims[at] = sims[at - 1];
                    rows[at] = rows[at - 1];
                    at--;
                }
                sims[at] = sim;
                rows[at] = j;
            }
            List<Match> matches = new ArrayList<>();
            for (int m = 0; m < held; m++) matches.add(new Match(rows[m], sims[m]));
            out.add(matches);
        }
        return out;
    }

    /** Euclidean row norms; a zero row counts as norm 1 so that its similarities are 0, not NaN. */
    private static double[] norms(float[] values, int rows, int cols) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) s += (double) values[r * cols + c] * values[r * cols + c];
            out[r] = s > 0 ? Math.sqrt(s) : 1;
        }
        return out;
    }
}
