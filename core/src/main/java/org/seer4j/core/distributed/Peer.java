package org.seer4j.core.distributed;

/**
 * One worker of a job as the rendezvous reported it: its rank, its node and the address its collective server
 * listens on, on that node.
 */
public record Peer(int rank, int node, String host, int port) {

    public Peer {
        if (rank < 0 || node < 0 || port < 1 || port > 65535 || host == null || host.isBlank()) {
            throw new IllegalArgumentException("a peer needs rank >= 0, node >= 0, a host and a port 1..65535, got "
                    + rank + ", " + node + ", " + host + ", " + port);
        }
    }

    /** {@code host:port} ({@code [v6]:port} for an IPv6 literal), as gRPC and TensorFlow's cluster spec take it. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** How failure messages name it: {@code rank 2 on node 1 (10.0.0.8:41234)}. */
    public String describe() {
        return "rank " + rank + " on node " + node + " (" + address() + ")";
    }
}
