package org.seer4j.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.seer4j.core.model.ModelCost;

class BenchWorkloadTest {

    @Test
    void theStandardWorkloadIsRegNetY400mfWithTheSwavHeadAndSixCropsOfSixteenImages() {
        BenchWorkload w = BenchWorkload.standard("cpu", 2);
        assertThat(w.model().trunk().outWidth()).isEqualTo(440);
        assertThat(w.model().head().dims()).containsExactly(512, 128);
        assertThat(w.model().head().batchNorm()).isTrue();
        assertThat(w.model().prototypes()).isEqualTo(1000);
        assertThat(w.randomBatch(1).totalCrops()).isEqualTo(6);
        assertThat(w.batch()).isEqualTo(16);
        assertThat(w.settings().threads()).isEqualTo(2);
        assertThat(w.settings().optim().name()).isEqualTo("sgd");
    }

    @Test
    void flopsPerStepAreSixTimesTheMacsOfEveryCropOfEveryImage() {
        BenchWorkload w = BenchWorkload.standard("cpu", 2);
        long perImage = 2 * ModelCost.of(w.model(), 96).macs() + 4 * ModelCost.of(w.model(), 48).macs();
        assertThat(w.flopsPerStep()).isEqualTo(perImage * 16.0 * 6);
        // RegNetY-400MF is 0.40 GMACs at 224; at 96 and 48 roughly with the pixel count (48 px rounds its last
        // stage up to 2x2 instead of 1.5x1.5, hence the slack).
        assertThat(perImage / 1e9).isCloseTo(0.40 * (2 * 96 * 96 + 4 * 48 * 48) / (224.0 * 224), within(0.03));
    }

    @Test
    void jsonCarriesTheAgreedKeysAndTheFastestStep() throws Exception {
        // 16 images in a median step of 800 ms (20 images/s), fastest 400 ms; 24 GFLOP per step: 30 GFLOP/s
        BenchReport r = new BenchReport("djl", 5, 2, 16, 24e9, 150, 900, 1200,
                List.of(new BenchRound(20, 800, 400, 300, 450, 10, 40)), null);
        JsonNode j = new ObjectMapper().readTree(r.json());
        for (String key : new String[] {"images_per_s", "gflops_per_s", "sgemm_gflops_per_s", "mfu", "peak_rss_mb",
                "forward_ms", "backward_ms", "sinkhorn_ms", "update_ms", "prepare_ms", "rounds"}) {
            assertThat(j.has(key)).as(key).isTrue();
        }
        assertThat(j.get("mfu_best").asDouble()).isCloseTo(0.4, within(1e-9));
        assertThat(j.get("images_per_s_best").asDouble()).isCloseTo(40, within(1e-9));
    }
}
