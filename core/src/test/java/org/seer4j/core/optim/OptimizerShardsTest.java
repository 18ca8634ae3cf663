package org.seer4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizerShardsTest {

    private static final List<String> NAMES = List.of("a", "b", "c", "d", "e");
    private static final List<Long> SIZES = List.of(10L, 40L, 25L, 25L, 5L);

    @Test
    void tensorsGoLargestFirstToTheLeastLoadedWorker() {
        OptimizerShards shards = OptimizerShards.of(NAMES, SIZES, 2);
        // b(40) -> 0; c(25) -> 1; d(25) -> 1 (25 < 40); a(10) -> 0 (40 < 50); e(5) -> 1 (50 = 50: lower rank 0)
        assertThat(List.of(shards.owner("a"), shards.owner("b"), shards.owner("c"), shards.owner("d"),
                shards.owner("e"))).containsExactly(0, 0, 1, 1, 0);
        assertThat(shards.shardValues(0)).isEqualTo(55);
        assertThat(shards.shardValues(1)).isEqualTo(50);
        assertThat(shards.largestShardValues()).isEqualTo(55);
        assertThat(OptimizerShards.of(NAMES, SIZES, 1).largestShardValues()).isEqualTo(105);
    }

    @Test
    void theOwnersDependOnNamesAndSizesNotOnTheOrderTheyAreListedIn() {
        // the engines list their tensors in different orders (DJL: creation order, TensorFlow: first use in the
        // graph, the planner: torchvision's); c and d have equal sizes, so only the name can order them
        OptimizerShards listed = OptimizerShards.of(NAMES, SIZES, 2);
        OptimizerShards reversed = OptimizerShards.of(List.of("e", "d", "c", "b", "a"), List.of(5L, 25L, 25L, 40L, 10L),
                2);
        for (String name : NAMES) assertThat(reversed.owner(name)).as(name).isEqualTo(listed.owner(name));
        // b(40) -> 0, c(25) -> 1 (by name before d), d(25) -> 1, a(10) -> 0, e(5) -> 0
        assertThat(reversed.owner("c")).isEqualTo(1);
        assertThat(reversed.shardValues(0)).isEqualTo(55);
    }

    @Test
    void aLayoutGroupsTheGivenTensorsByOwnerIntoConsecutiveRanges() {
        OptimizerShards shards = OptimizerShards.of(NAMES, SIZES, 3);
        // b(40) -> 0, c(25) -> 1, d(25) -> 2, a(10) -> 1, e(5) -> 2
        OptimizerShards.Layout layout = shards.layout(List.of("e", "a", "b", "c"), List.of(5, 10, 40, 25));
        assertThat(layout.order()).containsExactly(2, 1, 3, 0); // b | a, c | e
        assertThat(layout.offsets()).containsExactly(0, 40, 50, 75);
        assertThat(layout.bounds()).containsExactly(0, 40, 75, 80);
        assertThat(layout.length()).isEqualTo(80);
        assertThatThrownBy(() -> shards.layout(List.of("z"), List.of(1)))
                .hasMessageContaining("no owner for tensor z");
    }

    @Test
    void moreWorkersThanTensorsLeaveSomeWorkersWithoutState() {
        OptimizerShards shards = OptimizerShards.of(List.of("x"), List.of(7L), 3);
        assertThat(shards.owner("x")).isZero();
        assertThat(shards.shardValues(2)).isZero();
        assertThat(shards.layout(List.of("x"), List.of(7)).bounds()).containsExactly(0, 7, 7, 7);
        assertThatThrownBy(() -> OptimizerShards.of(List.of("x", "x"), List.of(1L, 2L), 2))
                .hasMessageContaining("listed twice");
    }
}
