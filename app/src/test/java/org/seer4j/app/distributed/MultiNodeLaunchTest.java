package org.seer4j.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.Main;
import org.seer4j.app.testing.MainRun;
import org.seer4j.core.distributed.Rendezvous;

/**
 * {@code seer4j launch} with torchrun's multi-node flags, two "nodes" on this machine at 127.0.0.1 and 127.0.0.2
 * (both loopback): node 0 runs in this JVM, node 1 as a separate launcher process. The workers meet through rank
 * 0's rendezvous on the master port and each listens on its own node's address.
 */
class MultiNodeLaunchTest {

    @TempDir
    Path dir;

    @Test
    void twoNodesOfOneWorkerTrainLikeOneNodeOfTwoWorkers() throws Exception {
        // DJL engine (SyncBN, distributed Sinkhorn, gradient averaging over the TF collective), B = 4, 3 steps
        Path nodes = dir.resolve("nodes");
        int port = Rendezvous.freePort();
        Process node1 = node(1, port, 60, nodes, dir.resolve("node1.out"), "3");
        MainRun node0 = launch("--nnodes=2", "--node-rank=0", "--nproc-per-node=1", "--master-addr=127.0.0.1",
                "--master-port=" + port, "--local-addr=127.0.0.1", "djl", "3", "4", nodes.toString(), "60");
        assertThat(node1.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out1 = Files.readString(dir.resolve("node1.out"));
        assertThat(node0.exitCode()).as(node0.out() + node0.err()).isZero();
        assertThat(node1.exitValue()).as(out1).isZero();
        // each worker listens on its own node's address, on a port of its own
        assertThat(node0.out()).contains("[rank 0]").contains("rank 0 on node 0 (127.0.0.1:")
                .contains("job of 2 workers on 2 nodes");
        assertThat(out1).contains("rank 1 on node 1 (127.0.0.2:");

        Path one = dir.resolve("one");
        MainRun single = launch("--nproc=2", "--master-port=" + Rendezvous.freePort(), "djl", "3", "4", one.toString(),
                "60");
        assertThat(single.exitCode()).as(single.out() + single.err()).isZero();
        for (int k = 0; k < 3; k++) {
            double want0 = loss(single.out(), 0, k);
            assertThat(loss(node0.out(), 0, k)).as("step %d", k).isCloseTo(want0, within(1e-6 * Math.abs(want0)));
            double want1 = loss(single.out(), 1, k);
            assertThat(loss(out1, 1, k)).as("step %d", k).isCloseTo(want1, within(1e-6 * Math.abs(want1)));
        }
        for (int r = 0; r < 2; r++) {
            Map<String, float[]> want = LaunchDataParallelTest.read(Path.of(one + "." + r));
            Map<String, float[]> got = LaunchDataParallelTest.read(Path.of(nodes + "." + r));
            assertThat(got.keySet()).isEqualTo(want.keySet());
            for (String name : want.keySet()) {
                float[] w = want.get(name);
                double scale = 0;
                for (float v : w) scale = Math.max(scale, Math.abs(v));
                for (int i = 0; i < w.length; i++) {
                    assertThat((double) got.get(name)[i]).as("rank %d %s[%d]", r, name, i)
                            .isCloseTo(w[i], within(1e-6 * scale));
                }
            }
        }
    }

    @Test
    void aNodeThatDiesStopsTheJobWithAMessageNamingTheNode() throws Exception {
        int port = Rendezvous.freePort();
        Path out1 = dir.resolve("node1.out");
        Process node1 = node(1, port, 10, dir.resolve("w"), out1, "40");
        Thread killer = new Thread(() -> {
            try {
                // once node 1's worker has joined the job, the whole node goes: its launcher and its workers
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (System.nanoTime() < deadline && !(Files.exists(out1)
                        && Files.readString(out1).contains("rank 1 on node 1"))) {
                    Thread.sleep(100);
                }
                Thread.sleep(3000);
                node1.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                node1.destroyForcibly();
            } catch (IOException | InterruptedException e) {
                node1.destroyForcibly();
            }
        });
        killer.start();
        long start = System.nanoTime();
        MainRun node0 = launch("--nnodes=2", "--node-rank=0", "--nproc-per-node=1", "--master-addr=127.0.0.1",
                "--master-port=" + port, "--local-addr=127.0.0.1", "djl", "40", "4", dir.resolve("w").toString(),
                "10");
        killer.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        // the failed rank's exit code: this test's worker exits with 2 on any error (seer4j's commands with 1)
        assertThat(node0.exitCode()).as(node0.out() + node0.err()).isEqualTo(2);
        // the survivor's collective call fails after its 10 s timeout, naming the dead node and its worker
        assertThat(node0.out()).contains("[rank 0] error=rank 0:")
                .contains("node 1 (rank 1 at 127.0.0.2:").contains("is unreachable");
        assertThat(node0.err()).contains("rank 0 on node 0 failed");
        assertThat(seconds).as("bounded by the collective timeout, not the 40 steps").isLessThan(115);
    }

    /** Node {@code rank}'s launcher as its own process, output into {@code out}. */
    private static Process node(int rank, int port, int timeoutSeconds, Path weights, Path out, String steps)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-javaagent")) cmd.add(arg);
        }
        cmd.add("-Dai.djl.offline=true");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "launch",
                "--nnodes=2", "--node-rank=" + rank, "--nproc-per-node=1", "--master-addr=127.0.0.1",
                "--master-port=" + port, "--local-addr=127.0.0." + (rank + 1), "--grace=20",
                "--main-class=" + DataParallelWorker.class.getName(), "--", "djl", steps, "4", weights.toString(),
                Integer.toString(timeoutSeconds)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("SEER4J_RENDEZVOUS_TIMEOUT_S", "120");
        return pb.start();
    }

    private static MainRun launch(String... args) {
        List<String> all = new ArrayList<>(List.of("launch", "--grace=20",
                "--main-class=" + DataParallelWorker.class.getName()));
        int split = 0;
        while (split < args.length && args[split].startsWith("--")) split++;
        all.addAll(List.of(args).subList(0, split));
        all.add("--");
        all.addAll(List.of(args).subList(split, args.length));
        return MainRun.of(all.toArray(new String[0]));
    }

    private static double loss(String out, int rank, int step) {
        String key = "[rank " + rank + "] loss" + step + "=";
        return out.lines().filter(l -> l.startsWith(key)).map(l -> Double.parseDouble(l.substring(key.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no " + key + " in " + out));
    }
}
