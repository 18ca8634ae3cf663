package org.seer4j.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NearestNeighboursTest {

    @Test
    void theTopKMatchABruteForceRankingOfCosineSimilarities() {
        Random r = new Random(11);
        int cols = 7;
        int n = 40;
        int q = 6;
        float[] gallery = new float[n * cols];
        float[] queries = new float[q * cols];
        for (int i = 0; i < gallery.length; i++) gallery[i] = (float) r.nextGaussian();
        for (int i = 0; i < queries.length; i++) queries[i] = (float) r.nextGaussian();
        // a gallery row that is a scaled copy of query 2: similarity exactly 1, ranked first
        for (int c = 0; c < cols; c++) gallery[17 * cols + c] = 3 * queries[2 * cols + c];

        List<List<NearestNeighbours.Match>> found = NearestNeighbours.search(queries, gallery, cols, 5);

        assertThat(found).hasSize(q);
        for (int i = 0; i < q; i++) {
            List<double[]> all = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                double dot = 0, a = 0, b = 0;
                for (int c = 0; c < cols; c++) {
                    double x = queries[i * cols + c];
                    double y = gallery[j * cols + c];
                    dot += x * y;
                    a += x * x;
                    b += y * y;
                }
                all.add(new double[] {j, dot / Math.sqrt(a * b)});
            }
            all.sort(Comparator.comparingDouble((double[] e) -> -e[1]));
            assertThat(found.get(i)).hasSize(5);
            for (int m = 0; m < 5; m++) {
                assertThat(found.get(i).get(m).row()).as("query %d match %d", i, m).isEqualTo((int) all.get(m)[0]);
                assertThat(found.get(i).get(m).similarity()).isCloseTo(all.get(m)[1], within(1e-9));
            }
        }
        assertThat(found.get(2).get(0).row()).isEqualTo(17);
        assertThat(found.get(2).get(0).similarity()).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void aGallerySmallerThanKGivesEveryRowAndTiesKeepTheLowerRowFirst() {
        float[] gallery = {1, 0, 1, 0, 0, 1};
        List<List<NearestNeighbours.Match>> found = NearestNeighbours.search(new float[] {2, 0}, gallery, 2, 5);
        assertThat(found.get(0)).extracting(NearestNeighbours.Match::row).containsExactly(0, 1, 2);
        assertThat(found.get(0).get(2).similarity()).isCloseTo(0.0, within(1e-12));
    }
}
