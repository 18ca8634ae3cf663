package org.seer4j.data.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The project's Jackson settings: what the files seer4j writes and reads rely on. */
class JsonTest {

    @Test
    void untypedValuesKeepKeyOrderAndReadIntegersAsLongs() {
        Object v = Json.parse(" {\"b\": [1, -2.5e1, true, null], \"a\": {\"x\": \"y\"}, \"c\": false} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertThat(List.<Object>copyOf(m.keySet())).containsExactly("b", "a", "c");
        assertThat(m.get("b")).isEqualTo(Arrays.asList(1L, -25.0, true, null));
        assertThat(m.get("a")).isEqualTo(Map.of("x", "y"));
    }

    @Test
    void awkwardStringsRoundTrip() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("k\"1", "quote\" back\\ nl\n tab\t ctl\u0001 é 😀");
        m.put("k2", "");
        assertThat(Json.parse(Json.write(m))).isEqualTo(m);
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNullAndReadBackAsNaN() {
        record Sample(double loss, Double lr, double[] values, long imagesPerSecond) {
        }
        String json = Json.write(new Sample(Double.NaN, Double.POSITIVE_INFINITY, new double[] {1.5, Double.NaN}, 3));
        assertThat(json).isEqualTo("{\"loss\":null,\"lr\":null,\"values\":[1.5,null],\"images_per_second\":3}");
        Sample back = Json.read(json, Sample.class);
        assertThat(back.loss()).isNaN();
        assertThat(back.lr()).isNaN();
        assertThat(back.imagesPerSecond()).isEqualTo(3);
    }

    @Test
    void rejectsMalformedTextDuplicateKeysAndTrailingText() {
        for (String bad : Arrays.asList("{", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "\"open", "tru",
                "{\"a\":1}x", "{\"a\":1,\"a\":2}", "\"\\q\"", "-", "1e")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(Json.JsonException.class)
                    .hasMessageContaining("at character");
        }
    }
}
