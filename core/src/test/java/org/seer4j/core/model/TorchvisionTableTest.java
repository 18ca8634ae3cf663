package org.seer4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetPresets;
import org.seer4j.core.regnet.Stage;

/** Every torchvision RegNet, against the figures torchvision 0.14 computes (reference/regnet.md). */
class TorchvisionTableTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            regnet_x_400mf | 32 64 160 400       | 1 2 7 12  | 5495976   | 413812608
            regnet_x_800mf | 64 128 288 672      | 1 3 7 5   | 7259656   | 799699712
            regnet_x_1_6gf | 72 168 408 912      | 2 4 10 2  | 9190136   | 1602849792
            regnet_x_3_2gf | 96 192 432 1008     | 2 6 15 2  | 15296552  | 3176621952
            regnet_x_8gf   | 80 240 720 1920     | 2 5 15 1  | 39572648  | 7995132416
            regnet_x_16gf  | 256 512 896 2048    | 2 6 13 1  | 54278536  | 15940755456
            regnet_x_32gf  | 336 672 1344 2520   | 2 7 13 1  | 107811560 | 31735929792
            regnet_y_400mf | 48 104 208 440      | 1 3 6 6   | 4344144   | 401842848
            regnet_y_800mf | 64 144 320 784      | 1 3 8 2   | 6432512   | 833856256
            regnet_y_1_6gf | 48 120 336 888      | 2 6 17 2  | 11202430  | 1612076160
            regnet_y_3_2gf | 72 216 576 1512     | 2 5 13 1  | 19436338  | 3176482752
            regnet_y_8gf   | 224 448 896 2016    | 2 4 10 1  | 39381472  | 8473070592
            regnet_y_16gf  | 224 448 1232 3024   | 2 4 11 1  | 83590140  | 15911510272
            regnet_y_32gf  | 232 696 1392 3712   | 2 5 12 1  | 145046770 | 32279552832
            regnet_y_128gf | 528 1056 2904 7392  | 2 7 17 1  | 644812894 | 127517815680
            """)
    void torchvisionPresetMatchesTorchvisionToTheUnit(String name, String widths, String depths, long params,
                                                      long macs) {
        RegNetPlan plan = RegNetGenerator.plan(RegNetPresets.find(name).orElseThrow());

        assertThat(plan.stages().stream().map(Stage::width).collect(Collectors.toList())).isEqualTo(ints(widths));
        assertThat(plan.stages().stream().map(Stage::depth).collect(Collectors.toList())).isEqualTo(ints(depths));
        ModelCost cost = ModelCost.of(plan, 2, 1000, 224);
        assertThat(cost.params()).isEqualTo(params);
        assertThat(cost.macs()).isEqualTo(macs);
    }

    static List<Integer> ints(String spaced) {
        return java.util.Arrays.stream(spaced.trim().split("\\s+")).map(Integer::valueOf).collect(Collectors.toList());
    }
}
