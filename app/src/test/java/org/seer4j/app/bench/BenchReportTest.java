package org.seer4j.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.port.OpKind;
import org.seer4j.core.port.OpTime;
import org.seer4j.core.port.StepProfile;

class BenchReportTest {

    private static BenchRound round(double imagesPerSecond) {
        double step = 16 / imagesPerSecond * 1e3;
        return new BenchRound(imagesPerSecond, step, step * 0.9, step * 0.4, step * 0.5, 2, step * 0.1 - 2);
    }

    @Test
    void roundsCarryTheirSpreadAndTheMedianRoundIsTheHeadline() throws Exception {
        BenchReport r = new BenchReport("djl", 5, 2, 16, 24e9, 150, 900, 1200,
                List.of(round(20), round(26), round(23)), null);
        // mean 23, sample variance ((-3)^2 + 3^2 + 0) / 2 = 9
        assertThat(r.imagesPerSecondMean()).isCloseTo(23, within(1e-9));
        assertThat(r.imagesPerSecondStdev()).isCloseTo(3, within(1e-9));
        assertThat(r.imagesPerSecond()).isCloseTo(23, within(1e-9));
        JsonNode j = new ObjectMapper().readTree(r.json());
        assertThat(j.get("rounds")).hasSize(3);
        assertThat(j.get("rounds").get(1).get("images_per_s").asDouble()).isEqualTo(26);
        assertThat(j.get("images_per_s_min").asDouble()).isEqualTo(20);
        assertThat(j.get("images_per_s_max").asDouble()).isEqualTo(26);
        assertThat(j.get("peak_rss_mb").asDouble()).isEqualTo(900);
        assertThat(j.get("prepare_ms").asDouble()).isEqualTo(1200);
        // 24 GFLOP in 16 / 23 s
        assertThat(j.get("gflops_per_s").asDouble()).isCloseTo(24 * 23 / 16.0, within(1e-9));
        assertThat(r.text()).contains("round 2").contains("stdev 3.00");
    }

    @Test
    void theProfileListsEveryKindInOrderWithItsShareOfTheStep() throws Exception {
        Map<OpKind, OpTime> m = new EnumMap<>(OpKind.class);
        m.put(OpKind.GROUPED_CONV_3X3, new OpTime(OpKind.GROUPED_CONV_3X3, 50, 150, 64));
        m.put(OpKind.OPTIMIZER, new OpTime(OpKind.OPTIMIZER, 40, 0, 300));
        StepProfile p = StepProfile.of("test", 800, m);
        BenchReport r = new BenchReport("djl", 5, 2, 16, 24e9, 150, 900, 1200, List.of(round(20)), p);
        JsonNode ops = new ObjectMapper().readTree(r.json()).get("profile").get("ops");
        assertThat(ops).hasSize(OpKind.values().length);
        JsonNode g = ops.get(OpKind.GROUPED_CONV_3X3.ordinal());
        assertThat(g.get("kind").asText()).isEqualTo("grouped_conv_3x3");
        assertThat(g.get("backward_ms").asDouble()).isEqualTo(150);
        assertThat(g.get("total_ms").asDouble()).isEqualTo(200);
        assertThat(g.get("calls").asLong()).isEqualTo(64);
        // 200 of 800 ms
        assertThat(r.text()).containsPattern("grouped 3x3 conv +50\\.0 +150\\.0 +200\\.0 +25\\.0%");
    }
}
