package org.seer4j.core.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelSubsetTest {
    /** 5 classes of 200, 37, 3, 1 and 90 images, ids unrelated to labels. */
    private static List<LabelSubset.Labelled> images() {
        int[] sizes = {200, 37, 3, 1, 90};
        List<LabelSubset.Labelled> out = new ArrayList<>();
        int id = 0;
        for (int c = 0; c < sizes.length; c++) {
            for (int i = 0; i < sizes[c]; i++) out.add(new LabelSubset.Labelled("img-" + (id++ * 7919 % 1000), c));
        }
        return out;
    }

    private static Map<Integer, Integer> perClass(List<LabelSubset.Labelled> all, Set<String> chosen) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (LabelSubset.Labelled l : all) if (chosen.contains(l.id())) counts.merge(l.label(), 1, Integer::sum);
        return counts;
    }

    @Test
    void everyClassKeepsItsShareRoundedAndAtLeastOneImage() {
        List<LabelSubset.Labelled> all = images();
        Set<String> ten = LabelSubset.choose(all, 0.1, 4);
        assertThat(perClass(all, ten)).containsExactlyInAnyOrderEntriesOf(Map.of(0, 20, 1, 4, 2, 1, 3, 1, 4, 9));
        Set<String> one = LabelSubset.choose(all, 0.01, 4);
        assertThat(perClass(all, one)).containsExactlyInAnyOrderEntriesOf(Map.of(0, 2, 1, 1, 2, 1, 3, 1, 4, 1));
        assertThat(LabelSubset.choose(all, 1.0, 4)).hasSize(all.size());
    }

    @Test
    void theSameSeedAndFractionGiveTheSameSubsetWhateverTheReadingOrder() {
        List<LabelSubset.Labelled> all = images();
        List<LabelSubset.Labelled> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(9));
        assertThat(LabelSubset.choose(shuffled, 0.1, 4)).isEqualTo(LabelSubset.choose(all, 0.1, 4));
        assertThat(LabelSubset.choose(all, 0.1, 5)).isNotEqualTo(LabelSubset.choose(all, 0.1, 4));
    }

    @Test
    void aSmallerFractionsSubsetLiesInsideALargerOnes() {
        List<LabelSubset.Labelled> all = images();
        assertThat(LabelSubset.choose(all, 0.1, 4)).containsAll(LabelSubset.choose(all, 0.01, 4));
    }

    @Test
    void unlabelledImagesAndFractionsOutsideZeroToOneAreRefused() {
        assertThatThrownBy(() -> LabelSubset.choose(List.of(new LabelSubset.Labelled("a", -1)), 0.5, 0))
                .hasMessageContaining("a has no label");
        assertThatThrownBy(() -> LabelSubset.choose(images(), 0, 0)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> LabelSubset.choose(images(), 1.01, 0)).hasMessageContaining("(0, 1]");
    }
}
