package org.seer4j.core.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The rendezvous on loopback: workers as threads, two "nodes" at 127.0.0.1 and 127.0.0.2 (both local). */
class RendezvousTest {

    private static WorkerEnvironment worker(int rank, int world, int node, int port, int timeoutSeconds) {
        return new WorkerEnvironment(rank, world, rank % 2, node, "127.0.0.1", port, "127.0.0." + (node + 1),
                Duration.ofSeconds(timeoutSeconds), "torchrun");
    }

    /** Runs one join per environment on its own thread, rank 0 last (the others must wait for it). */
    private static List<Future<List<Peer>>> joinAll(ExecutorService threads, List<WorkerEnvironment> envs,
                                                    List<Integer> ports) throws InterruptedException {
        List<Future<List<Peer>>> out = new ArrayList<>();
        for (int i = envs.size() - 1; i >= 0; i--) {
            WorkerEnvironment e = envs.get(i);
            int port = ports.get(i);
            out.add(0, threads.submit(() -> Rendezvous.join(e, Rendezvous.localAddress(e), port)));
            Thread.sleep(150);
        }
        return out;
    }

    @Test
    void everyWorkerGetsEveryPeersOwnAddressInRankOrder() throws Exception {
        int master = Rendezvous.freePort();
        List<WorkerEnvironment> envs = List.of(worker(0, 4, 0, master, 20), worker(1, 4, 0, master, 20),
                worker(2, 4, 1, master, 20), worker(3, 4, 1, master, 20));
        List<Integer> ports = List.of(40001, 40002, 40003, 40004);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Peer> expected = List.of(new Peer(0, 0, "127.0.0.1", 40001), new Peer(1, 0, "127.0.0.1", 40002),
                    new Peer(2, 1, "127.0.0.2", 40003), new Peer(3, 1, "127.0.0.2", 40004));
            for (Future<List<Peer>> f : joinAll(threads, envs, ports)) {
                assertThat(f.get()).isEqualTo(expected);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(new Peer(2, 1, "127.0.0.2", 40003).describe()).isEqualTo("rank 2 on node 1 (127.0.0.2:40003)");
        assertThat(new Peer(0, 0, "fe80::1", 7).address()).isEqualTo("[fe80::1]:7");
    }

    @Test
    void aRankThatNeverJoinsFailsTheOthersNamingItAndTheNodesThatCame() throws Exception {
        int master = Rendezvous.freePort();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<Peer>>> f = joinAll(threads, List.of(worker(0, 3, 0, master, 2),
                    worker(1, 3, 0, master, 2)), List.of(40001, 40002));
            for (Future<List<Peer>> one : f) {
                assertThatThrownBy(one::get).isInstanceOf(ExecutionException.class).cause()
                        .isInstanceOf(CollectiveException.class)
                        .hasMessageContaining("rendezvous at 127.0.0.1:" + master + " failed")
                        .hasMessageContaining("2 of 3 workers joined in time (from node 0); rank 2 never did");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void twoWorkersClaimingOneRankAreNamed() throws Exception {
        int master = Rendezvous.freePort();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<Peer>>> f = joinAll(threads, List.of(worker(0, 3, 0, master, 10),
                    worker(1, 3, 0, master, 10), worker(1, 3, 1, master, 10)), List.of(40001, 40002, 40003));
            assertThatThrownBy(() -> f.get(0).get()).cause().hasMessageContaining("two workers claim rank 1: rank 1"
                    + " on node ").hasMessageContaining("rank 1 on node 1 (127.0.0.2:40003)");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void withoutRankZeroAWorkerSaysItCannotReachTheMaster() {
        int master = Rendezvous.freePort();
        assertThatThrownBy(() -> Rendezvous.join(worker(1, 2, 1, master, 1), "127.0.0.2", 40002))
                .isInstanceOf(CollectiveException.class)
                .hasMessageContaining("rank 1 on node 1 cannot reach the rendezvous at MASTER_ADDR:MASTER_PORT = "
                        + "127.0.0.1:" + master + " (served by rank 0) within 1 s");
    }

    @Test
    void theAnnouncedAddressIsTheLocalAddressOrTheRouteToTheMaster() {
        assertThat(Rendezvous.localAddress(worker(1, 2, 1, 29500, 1))).isEqualTo("127.0.0.2");
        WorkerEnvironment unset = new WorkerEnvironment(1, 2, 0, 1, "127.0.0.1", 29500, null, Duration.ofSeconds(1),
                "torchrun");
        assertThat(Rendezvous.localAddress(unset)).isEqualTo("127.0.0.1");
        // a single worker needs no rendezvous
        assertThat(Rendezvous.join(WorkerEnvironment.single(), "127.0.0.1", 40000))
                .containsExactly(new Peer(0, 0, "127.0.0.1", 40000));
    }

    @Test
    void unreachablePeersAreNamedByNode() throws Exception {
        try (ServerSocket alive = new ServerSocket()) {
            alive.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int dead1 = Rendezvous.freePort();
            int dead2 = Rendezvous.freePort();
            List<Peer> peers = List.of(new Peer(0, 0, "127.0.0.1", 1), new Peer(1, 0, "127.0.0.1",
                    alive.getLocalPort()), new Peer(2, 1, "127.0.0.2", dead1), new Peer(3, 1, "127.0.0.2", dead2));
            assertThat(Reachability.unreachable(peers, 0, 10)).isEqualTo("; node 1 (rank 2 at 127.0.0.2:" + dead1
                    + ", rank 3 at 127.0.0.2:" + dead2 + ") is unreachable (stopped or crashed)");
            assertThat(Reachability.unreachable(peers.subList(0, 2), 0, 10))
                    .contains("no peer is unreachable: one stalled past the 10 s collective timeout");
        }
    }
}
