package org.seer4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.seer4j.app.testing.MainRun;

class RegnetCommandTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            regnet_x_400mf | 32 64 160 400      | 1 2 7 12 | 5495976   | 413812608
            regnet_y_800mf | 64 144 320 784     | 1 3 8 2  | 6432512   | 833856256
            regnet_y_8gf   | 224 448 896 2016   | 2 4 10 1 | 39381472  | 8473070592
            regnet_y_128gf | 528 1056 2904 7392 | 2 7 17 1 | 644812894 | 127517815680
            """)
    void jsonForATorchvisionPresetWithItsClassifierMatchesTorchvision(String name, String widths, String depths,
                                                                      long params, long macs) throws Exception {
        MainRun r = MainRun.of("regnet", "--preset", name, "--classes", "1000", "--json");
        assertThat(r.exitCode()).isZero();

        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(ints(j.get("widths"))).isEqualTo(ints(widths));
        assertThat(ints(j.get("depths"))).isEqualTo(ints(depths));
        assertThat(j.get("params").asLong()).isEqualTo(params);
        assertThat(j.get("macs").asLong()).isEqualTo(macs);
    }

    @Test
    void jsonDefaultsToTheTrunkAt224AndReportsGroupWidths() throws Exception {
        MainRun r = MainRun.of("regnet", "--preset", "regnet_y_64gf", "--json");
        assertThat(r.exitCode()).isZero();

        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(ints(j.get("widths"))).containsExactly(328, 984, 1968, 4920);
        assertThat(ints(j.get("groupWidths"))).containsExactly(328, 328, 328, 328);
        assertThat(Math.round(j.get("params").asLong() / 1e4)).isEqualTo(27_646L); // 276.46M, SEER's trunk
        assertThat(j.get("classes").asInt()).isZero();
        assertThat(j.get("resolution").asInt()).isEqualTo(224);
    }

    @Test
    void roundingOverrideTurnsTheTorchvisionWidthsIntoPycls() throws Exception {
        MainRun r = MainRun.of("regnet", "--preset", "regnet_x_400mf", "--rounding", "pycls", "--json");
        assertThat(r.exitCode()).isZero();

        assertThat(ints(new ObjectMapper().readTree(r.out()).get("widths")))
                .containsExactly(32, 64, 160, 384);
    }

    @Test
    void aCustomDesignPointIsDescribed() throws Exception {
        // RegNetX-200MF by hand: widths 24, 56, 152, 368 with depths 1, 1, 4, 7.
        MainRun r = MainRun.of("regnet", "--depth", "13", "--w0", "24", "--wa", "36.44", "--wm", "2.49",
                "--group-width", "8", "--classes", "1000", "--json");
        assertThat(r.exitCode()).isZero();

        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(ints(j.get("widths"))).containsExactly(24, 56, 152, 368);
        assertThat(ints(j.get("depths"))).containsExactly(1, 1, 4, 7);
        assertThat(Math.round(j.get("params").asLong() / 1e4)).isEqualTo(268L); // pycls: 2.68M
    }

    @Test
    void theTableShowsEveryStageAndTheTotals() {
        MainRun r = MainRun.of("regnet", "--preset", "regnet_y_400mf", "--classes", "1000");
        assertThat(r.exitCode()).isZero();

        String text = r.out();
        assertThat(text).contains("group width").contains("groups").contains("stride");
        assertThat(text).containsPattern("(?m)^\\s+4\\s+440\\s+6\\s+8\\s+55\\s+2$");
        assertThat(text).contains("4,344,144 parameters").contains("401,842,848 MACs");
    }

    @Test
    void theListHasEveryPresetWithItsSize() {
        MainRun r = MainRun.of("regnet", "--list");
        assertThat(r.exitCode()).isZero();

        String text = r.out();
        assertThat(text).contains("regnetx_200mf", "regnet_y_128gf", "seer_regnet_y_10b");
        assertThat(text).containsPattern("regnet_y_64gf\\s+pycls\\s+276\\.46");
    }

    @Test
    void aMistypedPresetExitsTwoWithASuggestion() {
        MainRun r = MainRun.of("regnet", "--preset", "regnet_y_400m");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("did you mean 'regnet_y_400mf'");
    }

    @Test
    void aBadDesignPointExitsTwoNamingWhatIsWrong() {
        MainRun wm = MainRun.of("regnet", "--depth", "13", "--w0", "24", "--wa", "36.44", "--wm", "1",
                "--group-width", "8");
        MainRun w0 = MainRun.of("regnet", "--depth", "13", "--w0", "20", "--wa", "36.44", "--wm", "2.49",
                "--group-width", "8");
        assertThat(wm.exitCode()).isEqualTo(2);
        assertThat(w0.exitCode()).isEqualTo(2);
        String e = wm.err() + w0.err();
        assertThat(e).contains("wm must be > 1").contains("w0 must be a positive multiple of 8");
    }

    @Test
    void aMissingRequiredOptionExitsTwoListingIt() {
        MainRun r = MainRun.of("regnet", "--w0", "24", "--wa", "3", "--wm", "2");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--depth").contains("--group-width");
    }

    @Test
    void otherBadOptionsExitTwo() {
        String[][] bad = {{"--rounding", "timm"}, {"--stem-stride", "3"}, {"--resolution", "abc"}, {"--depth", "3"}};
        for (String[] option : bad) {
            MainRun r = MainRun.of("regnet", "--preset", "regnet_y_400mf", option[0], option[1]);
            assertThat(r.exitCode()).as(option[0]).isEqualTo(2);
            assertThat(r.err()).as(option[0]).doesNotContain("Exception");
        }
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asInt()));
        return list;
    }

    private static List<Integer> ints(String spaced) {
        return java.util.Arrays.stream(spaced.trim().split("\\s+")).map(Integer::valueOf).toList();
    }
}
