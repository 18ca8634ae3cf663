package org.seer4j.tensorflow;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.distributed.CollectiveException;
import org.seer4j.core.distributed.Peer;
import org.seer4j.core.distributed.Reachability;
import org.seer4j.core.distributed.Rendezvous;
import org.seer4j.core.distributed.WorkerEnvironment;
import org.seer4j.core.port.Collective;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TargetedSession;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * The multi-process {@link Collective} on TensorFlow's own distributed runtime: every worker starts TF's gRPC
 * server as task {@code rank} of job {@code worker}, with the cluster spec listing every peer, and runs TF's
 * collective ops (CollectiveReduce, CollectiveBcastSend/Recv, the machinery under TF's multi-worker strategy) in a
 * graph placed on its own task. Task 0 is the collective group leader. Buffers travel as host tensors, so any
 * engine can use it.
 *
 * <p>Every op carries a timeout: a peer that dies or stops calling makes the others fail with a
 * {@link CollectiveException} naming the ranks whose servers no longer answer. The timeout must exceed the longest
 * gap between two collective calls of the slowest worker (a step's forward and backward pass).
 *
 * <p>Each distinct (operation, length, root) gets its own op with an instance key taken in order of first use:
 * workers must issue the same sequence of collective calls, as data-parallel training does.
 */
public final class TfCollective implements Collective {

    private static final System.Logger LOG = System.getLogger(TfCollective.class.getName());
    private static final String JOB = "worker";
    private static final int GROUP_KEY = 1;

    private final WorkerEnvironment environment;
    private final List<Peer> peers;
    private final Duration timeout;
    private final GrpcServer server;
    private final Graph graph;
    private final Session session;
    private final Scope scope;
    private final String device;
    private final Map<String, String[]> ops = new HashMap<>();
    private final String target;
    private int nextInstanceKey = 1;

    private TfCollective(WorkerEnvironment environment, List<Peer> peers, Duration timeout) {
        this.environment = environment;
        this.peers = peers;
        this.timeout = timeout;
        this.device = "/job:" + JOB + "/replica:0/task:" + environment.rank() + "/device:CPU:0";
        ConfigProto config = ConfigProto.newBuilder()
                .putDeviceCount("GPU", 0)
                .setIntraOpParallelismThreads(1)
                .setInterOpParallelismThreads(2)
                // only this worker's devices: no session on one task waits for the others' devices
                .addDeviceFilters("/job:" + JOB + "/task:" + environment.rank())
                .setExperimental(ConfigProto.Experimental.newBuilder()
                        .setCollectiveGroupLeader("/job:" + JOB + "/replica:0/task:0")
                        // TF's default cuts every received chunk into 4 KB protobuf strings
                        .setRecvBufMaxChunk(RingSubdivisions.CHUNK_BYTES))
                .build();
        JobDef.Builder job = JobDef.newBuilder().setName(JOB);
        for (int r = 0; r < environment.worldSize(); r++) {
            job.putTasks(r, peers.get(r).address());
        }
        ServerDef serverDef = ServerDef.newBuilder()
                .setCluster(ClusterDef.newBuilder().addJob(job))
                .setJobName(JOB)
                .setTaskIndex(environment.rank())
                .setProtocol("grpc")
                .setDefaultSessionConfig(config)
                .build();
        this.server = GrpcServer.start(serverDef);
        this.graph = new Graph();
        this.scope = Ops.create(graph).scope();
        // the server's own target: sessions on it feed and fetch in process (see GrpcServer)
        this.target = server.target();
        this.session = TargetedSession.open(graph, target, config);
    }

    /**
     * Learns every peer's address through the rendezvous on the master (this worker announces a free port on its
     * own node's address), starts this worker's TF server there and joins the group (the first collective call
     * waits for every peer).
     */
    public static TfCollective start(WorkerEnvironment environment, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("collective timeout must be > 0, got " + timeout);
        }
        List<Peer> peers = Rendezvous.join(environment, Rendezvous.localAddress(environment), Rendezvous.freePort());
        LOG.log(System.Logger.Level.INFO, () -> peers.get(environment.rank()).describe() + ": collective server of a"
                + " job of " + peers.size() + " workers on " + peers.stream().mapToInt(Peer::node).distinct().count()
                + " nodes");
        return new TfCollective(environment, peers, timeout);
    }

    /** The local server, for sessions whose graphs hold collective ops (the TF engine's training graph). */
    String target() {
        return target;
    }

    Duration timeout() {
        return timeout;
    }

    /** {@code base} plus what a session on this worker's server needs: its own devices, the group leader. */
    ConfigProto sessionConfig(ConfigProto base) {
        return base.toBuilder()
                .addDeviceFilters("/job:" + JOB + "/task:" + environment.rank())
                .setExperimental(ConfigProto.Experimental.newBuilder()
                        .setCollectiveGroupLeader("/job:" + JOB + "/replica:0/task:0"))
                .build();
    }

    @Override
    public int rank() {
        return environment.rank();
    }

    @Override
    public int worldSize() {
        return environment.worldSize();
    }

    @Override
    public int localRank() {
        return environment.localRank();
    }

    @Override
    public synchronized void allReduceSum(float[] buffer) {
        String[] names = ops.computeIfAbsent("reduce/f32/" + buffer.length,
                k -> reduceOp(DataType.DT_FLOAT, buffer.length));
        // bulk copies in and out of native memory (a tensor built from a Java buffer copies value by value)
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(buffer.length))) {
            in.asRawTensor().data().asFloats().write(buffer);
            try (Result out = run("allReduceSum", buffer.length, names, in)) {
                ((TFloat32) out.get(0)).asRawTensor().data().asFloats().read(buffer);
            }
        }
    }

    @Override
    public synchronized void allReduceSum(double[] buffer) {
        String[] names = ops.computeIfAbsent("reduce/f64/" + buffer.length,
                k -> reduceOp(DataType.DT_DOUBLE, buffer.length));
        try (TFloat64 in = TFloat64.tensorOf(Shape.of(buffer.length))) {
            in.asRawTensor().data().asDoubles().write(buffer);
            try (Result out = run("allReduceSum", buffer.length, names, in)) {
                ((TFloat64) out.get(0)).asRawTensor().data().asDoubles().read(buffer);
            }
        }
    }

    @Override
    public synchronized void broadcast(float[] buffer, int root) {
        if (root < 0 || root >= worldSize()) {
            throw new IllegalArgumentException("broadcast root " + root + " is not a rank of " + worldSize());
        }
        String[] names = ops.computeIfAbsent("bcast/" + root + "/" + buffer.length,
                k -> broadcastOp(buffer.length, root));
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(buffer.length))) {
            if (rank() == root) in.asRawTensor().data().asFloats().write(buffer);
            try (Result out = run("broadcast", buffer.length, names, in)) {
                if (rank() != root) {
                    ((TFloat32) out.get(0)).asRawTensor().data().asFloats().read(buffer);
                }
            }
        }
    }

    @Override
    public void barrier() {
        allReduceSum(new float[1]);
    }

    private Result run(String operation, int length, String[] names, org.tensorflow.Tensor in) {
        try {
            return session.runner().feed(names[0], in).fetch(names[1]).run();
        } catch (RuntimeException e) {
            throw new CollectiveException("rank " + rank() + ": " + operation + " of " + length + " values failed"
                    + deadPeers() + ": " + e.getMessage(), e);
        }
    }

    /** Which peers no longer accept connections, for the failure message (a dead worker's server is gone). */
    private String deadPeers() {
        return Reachability.unreachable(peers, rank(), timeout.toSeconds());
    }

    /** Placeholder -> CollectiveReduce (sum); returns the feed and fetch names. */
    private String[] reduceOp(DataType type, int length) {
        int key = nextInstanceKey++;
        String in = "in_" + key;
        GraphOperation placeholder = graph.opBuilder("Placeholder", in, scope)
                .setDevice(device).setAttr("dtype", type).setAttr("shape", Shape.of(length)).build();
        String out = "reduce_" + key;
        GraphOperation reduce = graph.opBuilder("CollectiveReduce", out, scope)
                .setDevice(device)
                .addInput(placeholder.output(0))
                .setAttr("group_size", worldSize())
                .setAttr("group_key", GROUP_KEY)
                .setAttr("instance_key", key)
                .setAttr("merge_op", "Add")
                .setAttr("final_op", "Id")
                .setAttr("subdiv_offsets", RingSubdivisions.offsets(length * (type == DataType.DT_DOUBLE ? 8L : 4L),
                        worldSize()))
                .setAttr("timeout_seconds", (float) timeout.toMillis() / 1000f)
                .build();
        return new String[] {placeholder.name(), reduce.name()};
    }

    /** The root sends, the others receive: TF's broadcast is two ops. */
    private String[] broadcastOp(int length, int root) {
        int key = nextInstanceKey++;
        String in = "in_" + key;
        GraphOperation placeholder = graph.opBuilder("Placeholder", in, scope)
                .setDevice(device).setAttr("dtype", DataType.DT_FLOAT).setAttr("shape", Shape.of(length)).build();
        String out = "bcast_" + key;
        var builder = graph.opBuilder(rank() == root ? "CollectiveBcastSend" : "CollectiveBcastRecv", out, scope)
                .setDevice(device);
        if (rank() == root) {
            builder.addInput(placeholder.output(0));
        } else {
            // the receiver's placeholder is fed but unused by the op; fetching only the receive is enough
            builder.setAttr("T", DataType.DT_FLOAT);
        }
        GraphOperation bcast = builder.setAttr("group_size", worldSize())
                .setAttr("group_key", GROUP_KEY)
                .setAttr("instance_key", key)
                .setAttr("shape", Shape.of(length))
                .setAttr("timeout_seconds", (float) timeout.toMillis() / 1000f)
                .build();
        return new String[] {placeholder.name(), bcast.name()};
    }

    @Override
    public synchronized void close() {
        session.close();
        graph.close();
        try {
            server.close();
        } catch (RuntimeException e) {
            // the server may already be down after a peer failure; closing must not mask the original error
        }
    }
}
