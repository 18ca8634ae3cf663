package org.seer4j.core.distributed;

import java.time.Duration;
import java.util.Map;
import org.seer4j.core.image.Shard;

/**
 * Who this worker is in a data-parallel job, read from the environment in the conventions launchers already use:
 * <ul>
 *   <li>torchrun / {@code seer4j launch}: {@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code NODE_RANK}
 *       (torchrun's {@code GROUP_RANK}), {@code MASTER_ADDR}, {@code MASTER_PORT};</li>
 *   <li>SLURM ({@code srun}, one task per worker): {@code SLURM_PROCID}, {@code SLURM_NTASKS},
 *       {@code SLURM_LOCALID}, {@code SLURM_NODEID}; the master defaults to the first host of
 *       {@code SLURM_JOB_NODELIST};</li>
 *   <li>Kubernetes indexed Jobs (one worker per pod): {@code JOB_COMPLETION_INDEX} as the rank and the node, with
 *       {@code WORLD_SIZE} and {@code MASTER_ADDR} set in the pod template (Kubernetes exports neither).</li>
 * </ul>
 * Workers find each other through a rendezvous on {@code MASTER_ADDR:MASTER_PORT} ({@link Rendezvous}, served by
 * rank 0): each announces the address it listens on, on its own node. {@code SEER4J_LOCAL_ADDR} (launch's
 * {@code --local-addr}) names that address; without it the worker uses the address its node reaches the master
 * from. {@code SEER4J_RENDEZVOUS_TIMEOUT_S} (default 900) bounds how long the workers wait for each other to start.
 *
 * @param rank              this worker, 0..worldSize-1
 * @param worldSize         number of workers
 * @param localRank         this worker among those of its node (its GPU, see {@link GpuPlacement})
 * @param nodeRank          its node
 * @param masterAddr        host of rank 0's rendezvous
 * @param masterPort        port of rank 0's rendezvous
 * @param localAddr         the address this worker announces, or null to use the one that reaches the master
 * @param rendezvousTimeout how long the rendezvous waits for every worker
 * @param convention        which convention supplied rank and world size ("torchrun", "slurm", "kubernetes",
 *                          "single")
 */
public record WorkerEnvironment(int rank, int worldSize, int localRank, int nodeRank, String masterAddr,
                                int masterPort, String localAddr, Duration rendezvousTimeout, String convention) {

    public static final int DEFAULT_PORT = 29500;
    public static final Duration DEFAULT_RENDEZVOUS_TIMEOUT = Duration.ofSeconds(900);

    public WorkerEnvironment {
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is outside 0.." + (worldSize - 1));
        }
        if (localRank < 0 || nodeRank < 0) {
            throw new IllegalArgumentException("local rank and node rank must be >= 0, got " + localRank + " and "
                    + nodeRank);
        }
        if (masterPort < 1 || masterPort > 65535) {
            throw new IllegalArgumentException("master port must be 1..65535, got " + masterPort);
        }
    }

    public static WorkerEnvironment single() {
        return new WorkerEnvironment(0, 1, 0, 0, "127.0.0.1", DEFAULT_PORT, null, DEFAULT_RENDEZVOUS_TIMEOUT,
                "single");
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
        int localRank;
        int nodeRank;
        String master = text(env, "MASTER_ADDR");
        if (env.containsKey("RANK")) {
            convention = "torchrun";
            rank = integer(env, "RANK");
            world = integer(env, "WORLD_SIZE");
            localRank = env.containsKey("LOCAL_RANK") ? integer(env, "LOCAL_RANK") : 0;
            nodeRank = env.containsKey("NODE_RANK") ? integer(env, "NODE_RANK")
                    : env.containsKey("GROUP_RANK") ? integer(env, "GROUP_RANK") : 0;
        } else if (env.containsKey("SLURM_PROCID")) {
            convention = "slurm";
            rank = integer(env, "SLURM_PROCID");
            world = integer(env, "SLURM_NTASKS");
            localRank = env.containsKey("SLURM_LOCALID") ? integer(env, "SLURM_LOCALID") : 0;
            nodeRank = env.containsKey("SLURM_NODEID") ? integer(env, "SLURM_NODEID") : 0;
            if (master == null) master = slurmMaster(env);
        } else if (env.containsKey("JOB_COMPLETION_INDEX")) {
            convention = "kubernetes";
            rank = integer(env, "JOB_COMPLETION_INDEX");
            if (!env.containsKey("WORLD_SIZE")) {
                throw new IllegalArgumentException("JOB_COMPLETION_INDEX is set but WORLD_SIZE is not: set WORLD_SIZE"
                        + " to the Job's completions in the pod template");
            }
            world = integer(env, "WORLD_SIZE");
            localRank = 0;
            nodeRank = rank;
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
        if (master == null) {
            if (world > 1) {
                throw new IllegalArgumentException("MASTER_ADDR is not set (" + convention + " environment with "
                        + world + " workers): set it to the host of rank 0"
                        + (convention.equals("kubernetes") ? ", e.g. <job>-0.<service>" : ""));
            }
            master = "127.0.0.1";
        }
        int port = env.containsKey("MASTER_PORT") ? integer(env, "MASTER_PORT") : DEFAULT_PORT;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("MASTER_PORT must be 1..65535, got " + port);
        }
        Duration timeout = DEFAULT_RENDEZVOUS_TIMEOUT;
        if (env.containsKey("SEER4J_RENDEZVOUS_TIMEOUT_S")) {
            int seconds = integer(env, "SEER4J_RENDEZVOUS_TIMEOUT_S");
            if (seconds < 1) {
                throw new IllegalArgumentException("SEER4J_RENDEZVOUS_TIMEOUT_S must be >= 1, got " + seconds);
            }
            timeout = Duration.ofSeconds(seconds);
        }
        return new WorkerEnvironment(rank, world, localRank, nodeRank, master, port,
                text(env, "SEER4J_LOCAL_ADDR"), timeout, convention);
    }

    /** The first host of {@code SLURM_JOB_NODELIST} (or {@code SLURM_NODELIST}), null when neither is set. */
    static String slurmMaster(Map<String, String> env) {
        String list = text(env, "SLURM_JOB_NODELIST");
        if (list == null) list = text(env, "SLURM_NODELIST");
        return list == null ? null : firstHost(list);
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

    /** A set, non-blank variable, trimmed; null otherwise. */
    static String text(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    static int integer(Map<String, String> env, String name) {
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
