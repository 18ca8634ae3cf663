package org.seer4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seer4j.core.model.TorchvisionTableTest.ints;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetPresets;
import org.seer4j.core.regnet.Stage;

/** pycls's model zoo and SEER's trunks, to the digits they are published with (reference/regnet.md). */
class PublishedSizesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            regnetx_200mf | 2.68   | 0.199
            regnetx_400mf | 5.16   | 0.398
            regnetx_600mf | 6.20   | 0.601
            regnetx_800mf | 7.26   | 0.800
            regnetx_1_6gf | 9.19   | 1.603
            regnetx_3_2gf | 15.30  | 3.177
            regnetx_4gf   | 22.12  | 3.964
            regnetx_6_4gf | 26.21  | 6.46
            regnetx_8gf   | 39.57  | 7.995
            regnetx_12gf  | 46.11  | 12.09
            regnetx_16gf  | 54.28  | 15.94
            regnetx_32gf  | 107.81 | 31.74
            regnety_200mf | 3.16   | 0.200
            regnety_400mf | 4.34   | 0.402
            regnety_600mf | 6.06   | 0.601
            regnety_800mf | 6.26   | 0.797
            regnety_1_6gf | 11.20  | 1.612
            regnety_3_2gf | 19.44  | 3.176
            regnety_4gf   | 20.65  | 3.973
            regnety_6_4gf | 30.58  | 6.355
            regnety_8gf   | 39.18  | 7.963
            regnety_12gf  | 51.82  | 12.09
            regnety_16gf  | 83.59  | 15.91
            regnety_32gf  | 145.05 | 32.28
            """)
    void pyclsModelZooSizesMatchToTheDigitsShown(String name, BigDecimal paramsM, BigDecimal gf) {
        ModelCost cost = ModelCost.of(RegNetGenerator.plan(RegNetPresets.find(name).orElseThrow()), 2, 1000, 224);

        assertThat(roundedLike(cost.params() / 1e6, paramsM)).isEqualTo(paramsM);
        assertThat(roundedLike(cost.macs() / 1e9, gf)).isEqualTo(gf);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            regnet_y_64gf       | 328 984 1968 4920      | 2 5 12 1 | 276.46  | 281.38
            regnety_128gf_pycls | 528 1056 2904 7392     | 2 7 17 1 | 637.42  | 644.81
            seer_regnet_y_256gf | 746 1492 4103 10444    | 2 7 17 1 | 1272.16 | 1282.60
            seer_regnet_y_10b   | 2020 4040 11110 28280  | 2 7 17 1 | 9324    | 9352
            """)
    void seerTrunksMatchTheirPublishedShapesAndSizes(String name, String widths, String depths, BigDecimal trunkM,
                                                     BigDecimal withFcM) {
        RegNetPlan plan = RegNetGenerator.plan(name.endsWith("_pycls")
                ? RegNetPresets.find("regnet_y_128gf").orElseThrow().withRounding(org.seer4j.core.regnet.Rounding.PYCLS)
                : RegNetPresets.find(name).orElseThrow());

        assertThat(plan.stages().stream().map(Stage::width).collect(Collectors.toList())).isEqualTo(ints(widths));
        assertThat(plan.stages().stream().map(Stage::depth).collect(Collectors.toList())).isEqualTo(ints(depths));
        assertThat(roundedLike(ModelCost.of(plan, 2, 0, 224).params() / 1e6, trunkM)).isEqualTo(trunkM);
        assertThat(roundedLike(ModelCost.of(plan, 2, 1000, 224).params() / 1e6, withFcM)).isEqualTo(withFcM);
    }

    private static BigDecimal roundedLike(double value, BigDecimal shown) {
        return BigDecimal.valueOf(value).setScale(shown.scale(), RoundingMode.HALF_UP);
    }
}
