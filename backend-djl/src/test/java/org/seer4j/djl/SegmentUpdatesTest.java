package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.seer4j.djl.SegmentedTrunk.SegmentUpdates;

/** The hand-off of segment updates between the two threads of a side-by-side backward. */
class SegmentUpdatesTest {

    @Test
    void eachSegmentIsAppliedOnceInOrderOnlyWhenBothThreadsArePastIt() throws Exception {
        List<Integer> applied = new CopyOnWriteArrayList<>();
        SegmentUpdates u = new SegmentUpdates(new long[] {1, 1, 1, 1}, applied::add);
        u.sidePast(3);
        assertThat(applied).isEmpty();            // the caller is still in segment 3
        assertThat(u.callerPast(3)).isFalse();    // the side is not done with its own groups
        assertThat(applied).isEmpty();            // the caller never applies
        u.sidePast(2);
        assertThat(applied).containsExactly(3);
        u.sidePast(1);
        u.sidePast(0);
        ExecutorService side = Executors.newSingleThreadExecutor();
        try {
            Future<?> following = side.submit(() -> {
                u.followCaller();
                return null;
            });
            assertThatBlocks(following);
            assertThat(u.callerPast(2)).isTrue(); // the side is done with its own: the caller may widen
            u.callerPast(1);
            u.callerPast(0);
            following.get(10, TimeUnit.SECONDS);
            assertThat(applied).containsExactly(3, 2, 1, 0);
        } finally {
            side.shutdownNow();
        }
    }

    @Test
    void theSideWaitsWhileItsGradientsWouldPassTheBudget() throws Exception {
        // budget = the largest segment (100 bytes): the side may hold one segment's gradients, not two
        List<Integer> applied = new CopyOnWriteArrayList<>();
        SegmentUpdates u = new SegmentUpdates(new long[] {100, 100, 100, 100}, 0, applied::add);
        ExecutorService side = Executors.newSingleThreadExecutor();
        try {
            u.awaitRoomFor(3);
            u.sidePast(3);
            Future<?> next = side.submit(() -> {
                u.awaitRoomFor(2);
                return null;
            });
            assertThatBlocks(next);
            u.callerPast(3);
            next.get(10, TimeUnit.SECONDS);
            assertThat(applied).containsExactly(3); // the side applied 3 before starting 2
        } finally {
            side.shutdownNow();
        }
    }

    @Test
    void aSideWaitingForRoomIsReleasedWhenTheCallerFails() throws Exception {
        SegmentUpdates u = new SegmentUpdates(new long[] {100, 100, 100}, 0, s -> { });
        ExecutorService side = Executors.newSingleThreadExecutor();
        try {
            u.sidePast(2);
            Future<?> next = side.submit(() -> {
                u.awaitRoomFor(1);
                return null;
            });
            assertThatBlocks(next);
            u.abort();
            try {
                next.get(10, TimeUnit.SECONDS);
                throw new AssertionError("the waiting side should have been cancelled");
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(java.util.concurrent.CancellationException.class);
            }
        } finally {
            side.shutdownNow();
        }
    }

    @Test
    void aSmallTrunkNeverMakesTheSideWait() throws InterruptedException {
        List<Integer> applied = new CopyOnWriteArrayList<>();
        SegmentUpdates u = new SegmentUpdates(new long[] {1000, 1000, 1000, 1000}, applied::add);
        for (int s = 3; s >= 0; s--) {
            u.awaitRoomFor(s); // returns at once: four segments are far below the 256 MiB floor
            u.sidePast(s);
        }
        assertThat(applied).isEmpty();
        u.callerPast(0);
        u.followCaller();
        assertThat(applied).containsExactly(3, 2, 1, 0);
    }

    /** {@code f} is still running after a while (a side that should wait for the caller). */
    private static void assertThatBlocks(Future<?> f) throws Exception {
        try {
            f.get(300, TimeUnit.MILLISECONDS);
            throw new AssertionError("the side should be waiting for the caller");
        } catch (TimeoutException expected) {
            assertThat(f.isDone()).isFalse();
        }
    }
}
