package org.seer4j.core.distributed;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code seer4j launch} starts on this node, with torchrun's meaning: {@code nnodes} nodes of
 * {@code procsPerNode} workers each; this node's workers are ranks {@code nodeRank * procsPerNode + localRank}.
 * Options given on the command line win; otherwise the scheduler's variables fill them in (SLURM with one
 * {@code launch} task per node: {@code SLURM_NNODES}, {@code SLURM_NODEID}, the first host of
 * {@code SLURM_JOB_NODELIST}; a Kubernetes indexed Job with one pod per node: {@code JOB_COMPLETION_INDEX};
 * torchrun-style {@code NODE_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}); a single node on loopback by
 * default.
 *
 * @param nnodes       nodes of the job
 * @param nodeRank     this node, 0..nnodes-1
 * @param procsPerNode workers per node
 * @param masterAddr   host of rank 0 (on node 0), where the rendezvous listens
 * @param masterPort   the rendezvous's port
 * @param localAddr    the address this node's workers announce, or null (the one that reaches the master)
 */
public record NodeLaunch(int nnodes, int nodeRank, int procsPerNode, String masterAddr, int masterPort,
                         String localAddr) {

    public NodeLaunch {
        if (nnodes < 1) throw new IllegalArgumentException("--nnodes must be >= 1, got " + nnodes);
        if (procsPerNode < 1) throw new IllegalArgumentException("--nproc-per-node must be >= 1, got " + procsPerNode);
        if (nodeRank < 0 || nodeRank >= nnodes) {
            throw new IllegalArgumentException("--node-rank " + nodeRank + " is outside 0.." + (nnodes - 1)
                    + " (--nnodes " + nnodes + ")");
        }
        if (masterPort < 1 || masterPort > 65535) {
            throw new IllegalArgumentException("--master-port must be 1..65535, got " + masterPort);
        }
        if (masterAddr == null || masterAddr.isBlank()) {
            throw new IllegalArgumentException("--master-addr is empty");
        }
        if (Math.multiplyExact((long) nnodes, procsPerNode) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many workers");
        }
    }

    /** The options (null where not given) completed from {@code env}. */
    public static NodeLaunch resolve(Integer nnodes, Integer nodeRank, Integer procsPerNode, String masterAddr,
                                     Integer masterPort, String localAddr, Map<String, String> env) {
        if (procsPerNode == null) {
            throw new IllegalArgumentException("say how many workers this node runs: --nproc-per-node N (or --nproc"
                    + " N on one node)");
        }
        int nodes = nnodes != null ? nnodes
                : env.containsKey("SLURM_NNODES") ? WorkerEnvironment.integer(env, "SLURM_NNODES") : 1;
        int node;
        if (nodeRank != null) {
            node = nodeRank;
        } else if (nodes == 1) {
            node = 0;
        } else if (env.containsKey("SLURM_NODEID")) {
            node = WorkerEnvironment.integer(env, "SLURM_NODEID");
        } else if (env.containsKey("JOB_COMPLETION_INDEX")) {
            node = WorkerEnvironment.integer(env, "JOB_COMPLETION_INDEX");
        } else if (env.containsKey("NODE_RANK")) {
            node = WorkerEnvironment.integer(env, "NODE_RANK");
        } else {
            throw new IllegalArgumentException("--nnodes " + nodes + " needs --node-rank (or SLURM_NODEID,"
                    + " JOB_COMPLETION_INDEX or NODE_RANK)");
        }
        String master = masterAddr;
        if (master == null) master = WorkerEnvironment.text(env, "MASTER_ADDR");
        if (master == null && nodes > 1) master = WorkerEnvironment.slurmMaster(env);
        if (master == null) {
            if (nodes > 1) {
                throw new IllegalArgumentException("--nnodes " + nodes + " needs --master-addr (the host of node 0),"
                        + " or MASTER_ADDR");
            }
            master = "127.0.0.1";
        }
        int port = masterPort != null ? masterPort
                : env.containsKey("MASTER_PORT") ? WorkerEnvironment.integer(env, "MASTER_PORT")
                : WorkerEnvironment.DEFAULT_PORT;
        return new NodeLaunch(nodes, node, procsPerNode, master, port, localAddr);
    }

    public int worldSize() {
        return nnodes * procsPerNode;
    }

    /** The global rank of this node's worker {@code localRank}. */
    public int rank(int localRank) {
        return nodeRank * procsPerNode + localRank;
    }

    /** torchrun's variables (and seer4j's own) for this node's worker {@code localRank}. */
    public Map<String, String> variables(int localRank) {
        if (localRank < 0 || localRank >= procsPerNode) {
            throw new IllegalArgumentException("local rank " + localRank + " is outside 0.." + (procsPerNode - 1));
        }
        Map<String, String> v = new LinkedHashMap<>();
        v.put("RANK", Integer.toString(rank(localRank)));
        v.put("LOCAL_RANK", Integer.toString(localRank));
        v.put("WORLD_SIZE", Integer.toString(worldSize()));
        v.put("LOCAL_WORLD_SIZE", Integer.toString(procsPerNode));
        v.put("NODE_RANK", Integer.toString(nodeRank));
        v.put("GROUP_RANK", Integer.toString(nodeRank));
        v.put("MASTER_ADDR", masterAddr);
        v.put("MASTER_PORT", Integer.toString(masterPort));
        if (localAddr != null) v.put("SEER4J_LOCAL_ADDR", localAddr);
        return v;
    }
}
