package org.seer4j.core.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.seer4j.core.image.Shard;

/**
 * Who this worker is in a data-parallel job, read from the environment in the conventions launchers already use:
 * <ul>
 *   <li>torchrun / {@code seer4j launch}: {@code RANK}, {@code WORLD_SIZE}, {@code MASTER_ADDR}, {@code MASTER_PORT};</li>
 *   <li>SLURM ({@code srun}): {@code SLURM_PROCID}, {@code SLURM_NTASKS}; the address defaults to the first host of
 *       {@code SLURM_JOB_NODELIST};</li>
 *   <li>Kubernetes indexed Jobs: {@code JOB_COMPLETION_INDEX} as the rank, with {@code WORLD_SIZE} set in the pod
 *       template (Kubernetes does not export the completion count).</li>
 * </ul>
 * Each worker also needs the address of every peer (TensorFlow's cluster spec lists all tasks):
 * {@code SEER4J_PEERS=host:port,host:port,...} in rank order. Without it every rank listens on the master's host at
 * {@code MASTER_PORT + rank}, which is right for workers on one machine.
 *
 * @param rank       this worker, 0..worldSize-1
 * @param worldSize  number of workers
 * @param peers      host:port of every rank, index = rank
 * @param convention which convention supplied rank and world size ("torchrun", "slurm", "kubernetes", "single")
 */
public record WorkerEnvironment(int rank, int worldSize, List<String> peers, String convention) {

    public static final int DEFAULT_PORT = 29500;

    public WorkerEnvironment {
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is outside 0.." + (worldSize - 1));
        }
        peers = List.copyOf(peers);
        if (peers.size() != worldSize) {
            throw new IllegalArgumentException(peers.size() + " peer addresses for " + worldSize + " workers");
        }
    }

    public static WorkerEnvironment single() {
        return new WorkerEnvironment(0, 1, List.of("127.0.0.1:" + DEFAULT_PORT), "single");
    }

    /** The disjoint part of every epoch this worker reads: positions congruent to its rank modulo the world. */
    public Shard shard() {
        return new Shard(rank, worldSize);
    }

    public boolean distributed() {
        return worldSize > 1;
    }

    /** Reads the environment ({@code System.getenv()} in production); a job with no convention set is single. */
    public static WorkerEnvironment from(Map<String, String> env) {
        String convention;
        int rank;
        int world;
        if (env.containsKey("RANK")) {
            convention = "torchrun";
            rank = integer(env, "RANK");
            world = integer(env, "WORLD_SIZE");
        } else if (env.containsKey("SLURM_PROCID")) {
            convention = "slurm";
            rank = integer(env, "SLURM_PROCID");
            world = integer(env, "SLURM_NTASKS");
        } else if (env.containsKey("JOB_COMPLETION_INDEX")) {
            convention = "kubernetes";
            rank = integer(env, "JOB_COMPLETION_INDEX");
            if (!env.containsKey("WORLD_SIZE")) {
                throw new IllegalArgumentException("JOB_COMPLETION_INDEX is set but WORLD_SIZE is not: set WORLD_SIZE"
                        + " to the Job's completions in the pod template");
            }
            world = integer(env, "WORLD_SIZE");
        } else {
            return single();
        }
        if (world < 1) {
            throw new IllegalArgumentException("world size must be >= 1, got " + world + " (" + convention + ")");
        }
        if (rank < 0 || rank >= world) {
            throw new IllegalArgumentException("rank " + rank + " is outside 0.." + (world - 1) + " (" + convention
                    + " environment)");
        }
        return new WorkerEnvironment(rank, world, peers(env, world, convention), convention);
    }

    private static List<String> peers(Map<String, String> env, int world, String convention) {
        String listed = env.get("SEER4J_PEERS");
        if (listed != null && !listed.isBlank()) {
            List<String> peers = new ArrayList<>();
            for (String p : listed.split(",")) {
                peers.add(checkAddress(p.trim(), "SEER4J_PEERS"));
            }
            if (peers.size() != world) {
                throw new IllegalArgumentException("SEER4J_PEERS lists " + peers.size() + " addresses but the world"
                        + " size is " + world);
            }
            return peers;
        }
        String host = env.get("MASTER_ADDR");
        if ((host == null || host.isBlank()) && convention.equals("slurm") && env.containsKey("SLURM_JOB_NODELIST")) {
            host = firstHost(env.get("SLURM_JOB_NODELIST"));
        }
        if (host == null || host.isBlank()) {
            if (world > 1) {
                throw new IllegalArgumentException("MASTER_ADDR is not set (" + convention + " environment with "
                        + world + " workers): set MASTER_ADDR and MASTER_PORT, or SEER4J_PEERS");
            }
            host = "127.0.0.1";
        }
        int port = env.containsKey("MASTER_PORT") ? integer(env, "MASTER_PORT") : DEFAULT_PORT;
        if (port < 1 || port + world - 1 > 65535) {
            throw new IllegalArgumentException("MASTER_PORT " + port + " leaves no room for " + world
                    + " consecutive ports");
        }
        List<String> peers = new ArrayList<>(world);
        for (int r = 0; r < world; r++) {
            peers.add(host.trim() + ":" + (port + r));
        }
        return peers;
    }

    /**
     * The first host of a SLURM host list: {@code node[03-05,9],gpu1} gives {@code node03}. Only the first
     * entry matters here (the master), so the rest of the list is not expanded.
     */
    static String firstHost(String nodeList) {
        String s = nodeList.trim();
        int bracket = s.indexOf('[');
        int comma = s.indexOf(',');
        if (bracket < 0 || (comma >= 0 && comma < bracket)) {
            return comma < 0 ? s : s.substring(0, comma);
        }
        String prefix = s.substring(0, bracket);
        int end = s.indexOf(']', bracket);
        if (end < 0) {
            throw new IllegalArgumentException("SLURM_JOB_NODELIST has an unclosed '[': " + nodeList);
        }
        String first = s.substring(bracket + 1, end).split(",")[0].split("-")[0];
        return prefix + first;
    }

    private static String checkAddress(String address, String variable) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException(variable + " entry '" + address + "' is not host:port");
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " entry '" + address + "' has no valid port");
        }
        return address;
    }

    private static int integer(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is not set but its companion variables are");
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
        }
    }
}
