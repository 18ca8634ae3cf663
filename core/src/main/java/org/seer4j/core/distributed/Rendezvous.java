package org.seer4j.core.distributed;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * How the workers of a job learn each other's addresses before the collective starts (the role of torchrun's
 * c10d store): rank 0 listens on {@code MASTER_PORT} of its node; every worker, rank 0 included, connects to
 * {@code MASTER_ADDR:MASTER_PORT} and announces its rank, the world size, its node and the address its own
 * collective server listens on (on its own node); once every rank has announced itself, rank 0 sends each of them
 * the full list and closes. Only the bootstrap goes through here: the collective itself runs on TensorFlow's
 * runtime between the announced addresses.
 *
 * <p>Failures name what is wrong: a worker that cannot reach rank 0, ranks that never joined (with the nodes that
 * did), two workers claiming one rank, disagreeing world sizes.
 */
public final class Rendezvous {
    private static final String HELLO = "seer4j-rendezvous/1";
    private static final Duration RETRY = Duration.ofMillis(100);

    private Rendezvous() {
    }

    /**
     * Joins the job described by {@code env}, announcing {@code host:port} (where this worker's collective server
     * will listen), and returns every worker in rank order. Rank 0 also serves the rendezvous.
     */
    public static List<Peer> join(WorkerEnvironment env, String host, int port) {
        Peer self = new Peer(env.rank(), env.nodeRank(), host, port);
        if (!env.distributed()) {
            return List.of(self);
        }
        long deadline = System.nanoTime() + env.rendezvousTimeout().toNanos();
        Thread server = env.rank() == 0 ? serve(env, deadline) : null;
        try {
            return ask(env, self, deadline);
        } finally {
            if (server != null) {
                try {
                    server.join(Duration.ofSeconds(5).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * The address this worker announces: {@code SEER4J_LOCAL_ADDR} when set, else the local address of the route
     * to the master (no packet is sent: a UDP socket is only connected), which is loopback for a master on it.
     */
    public static String localAddress(WorkerEnvironment env) {
        if (env.localAddr() != null) {
            return env.localAddr();
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(InetAddress.getByName(env.masterAddr()), env.masterPort());
            InetAddress local = probe.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                throw new IllegalArgumentException("cannot tell which address of this node reaches MASTER_ADDR "
                        + env.masterAddr() + ": set it with launch --local-addr (SEER4J_LOCAL_ADDR)");
            }
            return local.getHostAddress();
        } catch (IOException e) {
            throw new IllegalArgumentException("MASTER_ADDR " + env.masterAddr() + " cannot be resolved or reached"
                    + " from this node: " + e.getMessage(), e);
        }
    }

    /** A port that is free on every address of this node right now (the collective server binds them all). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on this node: " + e.getMessage(), e);
        }
    }

    private static List<Peer> ask(WorkerEnvironment env, Peer self, long deadline) {
        String where = env.masterAddr() + ":" + env.masterPort();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(env.masterAddr(), env.masterPort()), (int) RETRY.toMillis() * 10);
                s.setSoTimeout((int) Math.max(1, remainingMillis(deadline) + 5000));
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeUTF(HELLO);
                out.writeInt(self.rank());
                out.writeInt(env.worldSize());
                out.writeInt(self.node());
                out.writeUTF(self.host());
                out.writeInt(self.port());
                out.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                if (!in.readBoolean()) {
                    throw new CollectiveException("rank " + self.rank() + ": rendezvous at " + where + " failed: "
                            + in.readUTF(), null);
                }
                int n = in.readInt();
                List<Peer> peers = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    peers.add(new Peer(in.readInt(), in.readInt(), in.readUTF(), in.readInt()));
                }
                return List.copyOf(peers);
            } catch (SocketTimeoutException e) {
                throw new CollectiveException("rank " + self.rank() + ": the rendezvous at " + where
                        + " (rank 0) stopped answering", e);
            } catch (IOException e) {
                // rank 0 is not listening yet (or has just closed after a failed round): try again
                last = e;
                sleep();
            }
        }
        throw new CollectiveException("rank " + self.rank() + " on node " + self.node() + " cannot reach the"
                + " rendezvous at MASTER_ADDR:MASTER_PORT = " + where + " (served by rank 0) within "
                + env.rendezvousTimeout().toSeconds() + " s" + (last == null ? "" : ": " + last.getMessage()), last);
    }

    /** Rank 0's side, on a thread: collects every announcement, then answers them all. */
    private static Thread serve(WorkerEnvironment env, long deadline) {
        ServerSocket listener;
        try {
            listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(env.masterPort()));
        } catch (IOException e) {
            throw new CollectiveException("rank 0 cannot listen on MASTER_PORT " + env.masterPort()
                    + " for the rendezvous: " + e.getMessage() + " (is another job using it?)", e);
        }
        Thread t = new Thread(() -> collect(listener, env.worldSize(), deadline), "seer4j-rendezvous");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void collect(ServerSocket listener, int world, long deadline) {
        Socket[] sockets = new Socket[world];
        Peer[] peers = new Peer[world];
        List<Socket> extra = new ArrayList<>();
        String error = null;
        try (listener) {
            int joined = 0;
            while (joined < world && error == null) {
                long left = remainingMillis(deadline);
                if (left <= 0) {
                    error = missing(peers, world);
                    break;
                }
                listener.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
                Socket s;
                try {
                    s = listener.accept();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                try {
                    s.setSoTimeout(10_000);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    if (!HELLO.equals(in.readUTF())) {
                        s.close();
                        continue;
                    }
                    Peer p;
                    int theirWorld;
                    int rank = in.readInt();
                    theirWorld = in.readInt();
                    p = new Peer(rank, in.readInt(), in.readUTF(), in.readInt());
                    if (theirWorld != world) {
                        extra.add(s);
                        error = p.describe() + " says the world has " + theirWorld + " workers, rank 0 says "
                                + world;
                    } else if (rank >= world) {
                        extra.add(s);
                        error = p.describe() + " is outside the world of " + world;
                    } else if (peers[rank] != null) {
                        extra.add(s);
                        error = "two workers claim rank " + rank + ": " + peers[rank].describe() + " and "
                                + p.describe();
                    } else {
                        peers[rank] = p;
                        sockets[rank] = s;
                        joined++;
                    }
                } catch (IOException | IllegalArgumentException e) {
                    s.close();
                }
            }
        } catch (IOException e) {
            error = "rank 0's rendezvous failed: " + e.getMessage();
        }
        List<Socket> all = new ArrayList<>(extra);
        all.addAll(Arrays.stream(sockets).filter(s -> s != null).toList());
        for (Socket s : all) {
            try (s) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeBoolean(error == null);
                if (error != null) {
                    out.writeUTF(error);
                } else {
                    out.writeInt(world);
                    for (Peer p : peers) {
                        out.writeInt(p.rank());
                        out.writeInt(p.node());
                        out.writeUTF(p.host());
                        out.writeInt(p.port());
                    }
                }
                out.flush();
            } catch (IOException e) {
                // that worker is gone; its own side reports it
            }
        }
    }

    private static String missing(Peer[] peers, int world) {
        List<Integer> absent = new ArrayList<>();
        TreeSet<Integer> nodes = new TreeSet<>();
        for (int r = 0; r < world; r++) {
            if (peers[r] == null) absent.add(r);
            else nodes.add(peers[r].node());
        }
        return (world - absent.size()) + " of " + world + " workers joined in time (from node" + (nodes.size() == 1
                ? " " : "s ") + nodes.toString().replaceAll("[\\[\\]]", "") + "); rank"
                + (absent.size() == 1 ? " " : "s ") + absent.toString().replaceAll("[\\[\\]]", "")
                + " never did: is their node up and does it reach MASTER_ADDR:MASTER_PORT?";
    }

    private static long remainingMillis(long deadline) {
        return (deadline - System.nanoTime()) / 1_000_000;
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("interrupted while waiting for the rendezvous", e);
        }
    }
}
