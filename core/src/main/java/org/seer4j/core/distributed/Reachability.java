package org.seer4j.core.distributed;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which peers of a failed collective call are gone: a dead worker's collective server no longer accepts
 * connections. Failure messages name them by node, since a node that dies takes all its workers with it.
 */
public final class Reachability {
    private static final int CONNECT_MILLIS = 2000;

    private Reachability() {
    }

    /**
     * {@code "; node 1 (rank 2 at 127.0.0.2:41234, rank 3 at 127.0.0.2:41240) is unreachable (stopped or
     * crashed)"}, or a note that every peer still answers (one stalled or diverged).
     */
    public static String unreachable(List<Peer> peers, int self, long timeoutSeconds) {
        return unreachable(peers, self, timeoutSeconds, Duration.ZERO);
    }

    /**
     * {@link #unreachable(List, int, long)}, probing again every half second for up to {@code settle} while every
     * peer answers: a collective whose connections broke the moment a peer's helper process died can fail before
     * the peer's worker process is gone.
     */
    public static String unreachable(List<Peer> peers, int self, long timeoutSeconds, Duration settle) {
        long deadline = System.nanoTime() + settle.toNanos();
        Map<Integer, List<Peer>> deadByNode = probe(peers, self);
        while (deadByNode.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            deadByNode = probe(peers, self);
        }
        if (deadByNode.isEmpty()) {
            return " (no peer is unreachable: one stalled past the " + timeoutSeconds
                    + " s collective timeout or diverged)";
        }
        List<String> nodes = new ArrayList<>();
        deadByNode.forEach((node, dead) -> nodes.add("node " + node + " (" + String.join(", ",
                dead.stream().map(p -> "rank " + p.rank() + " at " + p.address()).toList()) + ")"));
        return "; " + String.join(", ", nodes) + (nodes.size() == 1 ? " is" : " are")
                + " unreachable (stopped or crashed)";
    }

    private static Map<Integer, List<Peer>> probe(List<Peer> peers, int self) {
        Map<Integer, List<Peer>> deadByNode = new LinkedHashMap<>();
        for (Peer p : peers) {
            if (p.rank() == self) continue;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(p.host(), p.port()), CONNECT_MILLIS);
            } catch (IOException e) {
                deadByNode.computeIfAbsent(p.node(), n -> new ArrayList<>()).add(p);
            }
        }
        return deadByNode;
    }
}
