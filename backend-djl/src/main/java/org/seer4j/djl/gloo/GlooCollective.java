package org.seer4j.djl.gloo;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.seer4j.core.distributed.CollectiveException;
import org.seer4j.core.distributed.Peer;
import org.seer4j.core.distributed.Reachability;
import org.seer4j.core.distributed.Rendezvous;
import org.seer4j.core.distributed.WorkerEnvironment;
import org.seer4j.core.port.Collective;

/**
 * The multi-process {@link Collective} on Gloo, PyTorch's CPU collective engine (what {@code torch.distributed}
 * runs with {@code backend="gloo"}): each worker drives a {@link GlooSidecar} process that holds its member of the
 * Gloo group. Buffers cross between the two through two memory-mapped slots of {@link #CHUNK_BYTES} each
 * ({@code /dev/shm}); a buffer larger than a slot goes in chunks, the next chunk copied in while Gloo reduces the
 * previous one. Commands travel over a Unix domain socket.
 *
 * <p>This class touches no org.bytedeco class: loading bytedeco's libtorch here would abort a worker that has DJL's
 * libtorch loaded (see {@link GlooSidecar}).
 *
 * <p>Workers find each other through the core's {@link Rendezvous}; rank 0's sidecar serves c10d's TCP store on
 * the port rank 0 announced, and every other worker keeps its announced port open for as long as it lives, so a
 * failed call names the nodes whose workers are gone ({@link Reachability}). Every call must be made by every
 * worker in the same order, as data-parallel training does.
 */
public final class GlooCollective implements Collective {

    /** Bytes per shared slot: the unit of the copy / reduce pipeline. */
    static final int CHUNK_BYTES = 8 << 20;

    private static final System.Logger LOG = System.getLogger(GlooCollective.class.getName());
    private static final int LOG_LINES_KEPT = 20;
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private final WorkerEnvironment environment;
    private final List<Peer> peers;
    private final Duration timeout;
    private final Process sidecar;
    private final SocketChannel control;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final ServerSocket liveness;
    private final Deque<String> sidecarLines = new ArrayDeque<>();
    private final FloatBuffer[] floats = new FloatBuffer[2];
    private final DoubleBuffer[] doubles = new DoubleBuffer[2];

    private GlooCollective(WorkerEnvironment environment, List<Peer> peers, Duration timeout, Process sidecar,
                           SocketChannel control, ServerSocket liveness) {
        this.environment = environment;
        this.peers = peers;
        this.timeout = timeout;
        this.sidecar = sidecar;
        this.control = control;
        this.in = new DataInputStream(Channels.newInputStream(control));
        this.out = new DataOutputStream(Channels.newOutputStream(control));
        this.liveness = liveness;
        Thread reader = new Thread(this::forwardSidecarOutput, "gloo-sidecar-log");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Meets the other workers through the rendezvous on the master, starts this worker's Gloo sidecar and waits
     * until the group has formed (every worker's sidecar connected to every other). {@code timeout} bounds that
     * wait, as it bounds each collective call after it: the sidecars start together once the rendezvous is done,
     * and one that never joins (its worker died) fails the others within it.
     */
    public static GlooCollective start(WorkerEnvironment environment, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("collective timeout must be > 0, got " + timeout);
        }
        List<Peer> peers = Rendezvous.join(environment, Rendezvous.localAddress(environment), Rendezvous.freePort());
        Peer self = peers.get(environment.rank());
        ServerSocket liveness = null;
        Path socketDir = null;
        Process process = null;
        try {
            // rank 0's port is the TCP store's, which its sidecar opens; the others hold theirs themselves
            liveness = environment.rank() == 0 ? null : openLiveness(self);
            socketDir = Files.createTempDirectory("seer4j-gloo");
            Path socketPath = socketDir.resolve("ctl");
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socketPath));
                process = launch(socketPath, environment, peers, timeout);
                SocketChannel control = accept(server, process, timeout.plusSeconds(60));
                GlooCollective c = new GlooCollective(environment, peers, timeout, process, control, liveness);
                c.awaitReply("joining the group", 0, true);
                c.mapSlots();
                LOG.log(System.Logger.Level.INFO, () -> self.describe() + ": Gloo collective of a job of "
                        + peers.size() + " workers on " + peers.stream().mapToInt(Peer::node).distinct().count()
                        + " nodes");
                return c;
            }
        } catch (IOException | RuntimeException e) {
            if (process != null) process.destroyForcibly();
            closeQuietly(liveness);
            if (e instanceof CollectiveException ce) throw ce;
            throw new CollectiveException("rank " + environment.rank() + ": cannot start the Gloo collective: "
                    + e.getMessage(), e);
        } finally {
            if (socketDir != null) deleteQuietly(socketDir);
        }
    }

    private static ServerSocket openLiveness(Peer self) throws IOException {
        ServerSocket s = new ServerSocket(self.port(), 50, InetAddress.getByName(self.host()));
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try (Socket probe = s.accept()) {
                    // a probe only checks that this worker is alive
                } catch (IOException e) {
                    // closed
                }
            }
        }, "gloo-liveness");
        t.setDaemon(true);
        t.start();
        return s;
    }

    private static Process launch(Path socketPath, WorkerEnvironment environment, List<Peer> peers,
                                  Duration timeout) throws IOException {
        Peer self = peers.get(environment.rank());
        Peer store = peers.get(0);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a small heap: the values live in the shared mappings; no JavaCPP cap on native memory
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.bytedeco.javacpp.maxBytes=0", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
                "-cp", System.getProperty("java.class.path"), GlooSidecar.class.getName(),
                socketPath.toString(), Integer.toString(environment.rank()),
                Integer.toString(environment.worldSize()), store.host(), Integer.toString(store.port()),
                self.host(), Long.toString(timeout.toMillis())));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static SocketChannel accept(ServerSocketChannel server, Process process, Duration limit)
            throws IOException {
        server.configureBlocking(false);
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            SocketChannel c = server.accept();
            if (c != null) {
                c.configureBlocking(true);
                return c;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the Gloo sidecar exited with code " + process.exitValue()
                        + " before connecting");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the Gloo sidecar");
            }
        }
        throw new IllegalStateException("the Gloo sidecar did not connect within " + limit.toSeconds() + " s");
    }

    /** Two shared slots, mapped here and in the sidecar; the files go once both hold their mappings. */
    private void mapSlots() throws IOException {
        Path dir = sharedMemoryDir();
        for (int slot = 0; slot < 2; slot++) {
            Path file = Files.createTempFile(dir, "seer4j-gloo-" + environment.rank() + "-", ".buf");
            try {
                MappedByteBuffer mapped;
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
                    mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, CHUNK_BYTES);
                }
                mapped.order(ByteOrder.nativeOrder());
                floats[slot] = mapped.asFloatBuffer();
                doubles[slot] = mapped.asDoubleBuffer();
                out.writeByte(SidecarProtocol.MAP);
                out.writeInt(slot);
                out.writeUTF(file.toString());
                out.writeLong(CHUNK_BYTES);
                out.flush();
                awaitReply("mapping its buffers", 0, true);
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    /** {@code /dev/shm} (memory, never written back to disk) where there is one, else the temporary directory. */
    private static Path sharedMemoryDir() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
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
        pipeline("allReduceSum", buffer.length, 4, SidecarProtocol.F32, -1,
                (slot, from, count) -> floats[slot].put(0, buffer, from, count),
                (slot, from, count) -> floats[slot].get(0, buffer, from, count));
    }

    @Override
    public synchronized void allReduceSum(double[] buffer) {
        pipeline("allReduceSum", buffer.length, 8, SidecarProtocol.F64, -1,
                (slot, from, count) -> doubles[slot].put(0, buffer, from, count),
                (slot, from, count) -> doubles[slot].get(0, buffer, from, count));
    }

    @Override
    public synchronized void broadcast(float[] buffer, int root) {
        if (root < 0 || root >= worldSize()) {
            throw new IllegalArgumentException("broadcast root " + root + " is not a rank of " + worldSize());
        }
        boolean sends = rank() == root;
        pipeline("broadcast", buffer.length, 4, SidecarProtocol.F32, root,
                (slot, from, count) -> {
                    if (sends) floats[slot].put(0, buffer, from, count);
                },
                (slot, from, count) -> {
                    if (!sends) floats[slot].get(0, buffer, from, count);
                });
    }

    @Override
    public synchronized void barrier() {
        send(SidecarProtocol.BARRIER, 0, (byte) 0, 0, -1);
        awaitReply("barrier", 0, false);
    }

    private interface Copy {
        void apply(int slot, int from, int count);
    }

    /**
     * Chunk k is copied into slot k % 2 while Gloo works on chunk k - 1 in the other slot; the result of chunk k
     * is copied out while Gloo works on chunk k + 1.
     */
    private void pipeline(String operation, int length, int valueBytes, byte type, int root, Copy fill, Copy drain) {
        if (length == 0) return;
        int per = CHUNK_BYTES / valueBytes;
        int chunks = (length + per - 1) / per;
        fill.apply(0, 0, Math.min(per, length));
        send(root < 0 ? SidecarProtocol.ALL_REDUCE : SidecarProtocol.BROADCAST, 0, type, Math.min(per, length), root);
        for (int k = 0; k < chunks; k++) {
            int next = k + 1;
            int nextCount = Math.min(per, length - next * per);
            if (next < chunks) fill.apply(next % 2, next * per, nextCount);
            awaitReply(operation, length, false);
            if (next < chunks) {
                send(root < 0 ? SidecarProtocol.ALL_REDUCE : SidecarProtocol.BROADCAST, next % 2, type, nextCount,
                        root);
            }
            drain.apply(k % 2, k * per, Math.min(per, length - k * per));
        }
    }

    private void send(byte command, int slot, byte type, long count, int root) {
        try {
            out.writeByte(command);
            if (command != SidecarProtocol.BARRIER) {
                out.writeInt(slot);
                out.writeByte(type);
                out.writeLong(count);
                if (command == SidecarProtocol.BROADCAST) out.writeInt(root);
            }
            out.flush();
        } catch (IOException e) {
            throw failure("sending to the Gloo sidecar", 0, sidecarGone());
        }
    }

    private void awaitReply(String operation, int length, boolean starting) {
        String problem;
        try {
            if (in.readByte() == SidecarProtocol.OK) return;
            problem = in.readUTF();
        } catch (IOException e) {
            problem = sidecarGone();
        }
        throw starting ? new CollectiveException("rank " + rank() + ": the Gloo collective failed " + operation
                + deadPeers() + ": " + problem, null) : failure(operation, length, problem);
    }

    private CollectiveException failure(String operation, int length, String problem) {
        return new CollectiveException("rank " + rank() + ": " + operation + " of " + length + " values failed"
                + deadPeers() + ": " + problem, null);
    }

    private String sidecarGone() {
        try {
            sidecar.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String code = sidecar.isAlive() ? "still running" : "exit code " + sidecar.exitValue();
        synchronized (sidecarLines) {
            return "its Gloo sidecar stopped (" + code + ")" + (sidecarLines.isEmpty() ? ""
                    : "; its last output: " + String.join(" | ", sidecarLines));
        }
    }

    /**
     * Which peers no longer accept connections on their announced ports. Gloo fails at once when a peer's sidecar
     * goes, which may be a moment before its worker's process (and port) does: a few seconds to settle.
     */
    private String deadPeers() {
        return Reachability.unreachable(peers, rank(), timeout.toSeconds(), SETTLE);
    }

    /** The sidecar's console (Gloo's and JavaCPP's notes) goes to this worker's log at debug level. */
    private void forwardSidecarOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(sidecar.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String l = line;
                LOG.log(System.Logger.Level.DEBUG, () -> "gloo sidecar: " + l);
                synchronized (sidecarLines) {
                    if (sidecarLines.size() == LOG_LINES_KEPT) sidecarLines.removeFirst();
                    sidecarLines.addLast(line);
                }
            }
        } catch (IOException e) {
            // the sidecar is gone
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.writeByte(SidecarProtocol.CLOSE);
            out.flush();
            in.readByte();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!sidecar.waitFor(5, TimeUnit.SECONDS)) sidecar.destroyForcibly();
        } catch (InterruptedException e) {
            sidecar.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        closeQuietly(control);
        closeQuietly(liveness);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            // closing must not mask the original error
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        } catch (IOException | UncheckedIOException e) {
            // a leftover empty directory in the temporary folder
        }
    }
}
