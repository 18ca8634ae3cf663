package org.seer4j.core.distributed;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
        Map<Integer, List<Peer>> deadByNode = new LinkedHashMap<>();
        for (Peer p : peers) {
            if (p.rank() == self) continue;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(p.host(), p.port()), CONNECT_MILLIS);
            } catch (IOException e) {
                deadByNode.computeIfAbsent(p.node(), n -> new ArrayList<>()).add(p);
            }
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
}
