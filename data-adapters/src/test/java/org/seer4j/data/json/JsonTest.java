package org.seer4j.data.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesNestedValuesKeepingKeyOrder() {
        Object v = Json.parse(" {\"b\": [1, -2.5e1, true, null], \"a\": {\"x\": \"y\"}, \"c\": false} ");
        assertThat(v).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) v;
        assertThat(List.<Object>copyOf(m.keySet())).containsExactly("b", "a", "c");
        assertThat(m.get("b")).isEqualTo(Arrays.asList(1L, -25.0, true, null));
        assertThat(m.get("a")).isEqualTo(Map.of("x", "y"));
    }

    @Test
    void decodesEscapesIncludingSurrogatePairs() {
        assertThat(Json.parse("\"a\\\"\\\\\\/\\n\\t\\u00e9\\ud83d\\ude00\"")).isEqualTo("a\"\\/\n\té😀");
    }

    @Test
    void quotingRoundTripsAwkwardStrings() {
        String s = "quote\" back\\ nl\n tab\t ctl\u0001 é 😀";
        assertThat(Json.parse(Json.quote(s))).isEqualTo(s);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("k\"1", "v\n");
        m.put("k2", "");
        assertThat(Json.parse(Json.objectOfStrings(m))).isEqualTo(m);
    }

    @Test
    void rejectsMalformedTextNamingThePosition() {
        for (String bad : Arrays.asList("", "{", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "\"open", "01x", "tru",
                "{\"a\":1}x", "{\"a\":1,\"a\":2}", "\"\\q\"", "-", "1.", "1e")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(Json.JsonException.class)
                    .hasMessageContaining("at character");
        }
    }
}
