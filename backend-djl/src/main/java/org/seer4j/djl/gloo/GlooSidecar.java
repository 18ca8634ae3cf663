package org.seer4j.djl.gloo;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.BarrierOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The process that runs one worker's Gloo group (c10d's {@code ProcessGroupGloo}, PyTorch's CPU collective
 * engine, through org.bytedeco's libtorch presets). It is a process of its own because bytedeco's libtorch and
 * DJL's cannot share one: both ship {@code libc10.so} and {@code libtorch_cpu.so} of different versions under the
 * same sonames, and loading the second aborts the process (measured in both orders).
 *
 * <p>The worker ({@link GlooCollective}) starts it with the group's coordinates, listens on a Unix domain socket
 * for its commands and shares its buffers through memory-mapped files: the tensors Gloo reduces are views of those
 * mappings ({@code from_blob}), so no byte crosses the socket but the commands. Rank 0 serves c10d's TCP store on
 * its rendezvous port; every Gloo device binds on its own node's address. It ends when the worker closes the
 * socket or dies.
 *
 * <p>Arguments: control socket path, rank, world size, store host, store port, local address, and how long joining
 * the group or one collective call may take (ms).
 */
public final class GlooSidecar {

    private final Map<Integer, ByteBuffer> slots = new HashMap<>();
    private final ProcessGroupGloo group;
    private final long timeoutMillis;

    private GlooSidecar(ProcessGroupGloo group, long timeoutMillis) {
        this.group = group;
        this.timeoutMillis = timeoutMillis;
    }

    public static void main(String[] args) throws IOException {
        Path control = Path.of(args[0]);
        int rank = Integer.parseInt(args[1]);
        int world = Integer.parseInt(args[2]);
        String storeHost = args[3];
        int storePort = Integer.parseInt(args[4]);
        String localHost = args[5];
        long timeoutMillis = Long.parseLong(args[6]);
        watchParent();
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        socket.connect(UnixDomainSocketAddress.of(control));
        DataInputStream in = new DataInputStream(Channels.newInputStream(socket));
        DataOutputStream out = new DataOutputStream(Channels.newOutputStream(socket));
        GlooSidecar sidecar;
        try {
            ProcessGroupGloo group = join(rank, world, storeHost, storePort, localHost, timeoutMillis);
            sidecar = new GlooSidecar(group, timeoutMillis);
        } catch (RuntimeException | LinkageError e) {
            reply(out, e);
            Runtime.getRuntime().halt(1);
            return;
        }
        reply(out, null);
        sidecar.serve(in, out);
        Runtime.getRuntime().halt(0);
    }

    /**
     * Joins the group: rank 0 serves the TCP store on its rendezvous port, the others connect to it; Gloo's own
     * connections (a full mesh) bind on this worker's address.
     */
    private static ProcessGroupGloo join(int rank, int world, String storeHost, int storePort, String localHost,
                                         long timeoutMillis) {
        loadNatives();
        TCPStoreOptions options = new TCPStoreOptions();
        options.port((short) storePort);
        options.isServer(rank == 0);
        options.numWorkers(new SizeTPointer(1).put(world));
        options.waitWorkers(false);
        options.timeout(new Milliseconds(timeoutMillis));
        options.useLibUV(false);
        TCPStore store = new TCPStore(storeHost, options);
        ProcessGroupGloo.Options glooOptions = ProcessGroupGloo.Options.create(new Milliseconds(timeoutMillis));
        glooOptions.devices(new GlooDeviceVector(ProcessGroupGloo.createDeviceForHostname(localHost)));
        return new ProcessGroupGloo(store, rank, world, glooOptions);
    }

    /**
     * Unpacks every libtorch library before the first loads: otherwise JavaCPP loads {@code libtorch.so} while
     * {@code libtorch_cpu.so} is not unpacked yet, and the dynamic linker takes any other libtorch_cpu on the system
     * (a Debian libtorch 1.13 here), which crashes the process on the first run.
     */
    private static void loadNatives() {
        try {
            Loader.cacheResources("/org/bytedeco/pytorch/" + Loader.getPlatform() + "/");
        } catch (IOException e) {
            throw new IllegalStateException("cannot unpack libtorch's natives: " + e.getMessage(), e);
        }
        Loader.load(torch.class);
    }

    /** Ends this process once its worker is gone, even in the middle of a collective call. */
    private static void watchParent() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        Thread t = new Thread(() -> {
            while (parent != null && parent.isAlive()) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(3);
        }, "gloo-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    private void serve(DataInputStream in, DataOutputStream out) throws IOException {
        while (true) {
            int command;
            try {
                command = in.readByte();
            } catch (IOException e) {
                return; // the worker closed the socket or died
            }
            RuntimeException failure = null;
            try {
                switch (command) {
                    case SidecarProtocol.MAP -> map(in.readInt(), in.readUTF(), in.readLong());
                    case SidecarProtocol.ALL_REDUCE -> allReduce(in.readInt(), in.readByte(), in.readLong());
                    case SidecarProtocol.BROADCAST -> broadcast(in.readInt(), in.readByte(), in.readLong(),
                            in.readInt());
                    case SidecarProtocol.BARRIER -> group.barrier(new BarrierOptions()
                            .timeout(new Milliseconds(timeoutMillis)))._wait();
                    case SidecarProtocol.CLOSE -> {
                        reply(out, null);
                        return;
                    }
                    default -> throw new IllegalStateException("unknown command " + command);
                }
            } catch (RuntimeException e) {
                failure = e;
            }
            reply(out, failure);
        }
    }

    private void map(int slot, String file, long bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(Path.of(file), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
            slots.put(slot, mapped);
        }
    }

    private void allReduce(int slot, byte type, long count) {
        try (Tensor t = view(slot, type, count); TensorVector v = new TensorVector(t)) {
            group.allreduce(v)._wait();
        }
    }

    private void broadcast(int slot, byte type, long count, int root) {
        try (Tensor t = view(slot, type, count); TensorVector v = new TensorVector(t);
             BroadcastOptions options = new BroadcastOptions()) {
            options.rootRank(root).timeout(new Milliseconds(timeoutMillis));
            group.broadcast(v, options)._wait();
        }
    }

    /** The first {@code count} values of a mapped slot as a tensor that does not own its memory. */
    private Tensor view(int slot, byte type, long count) {
        ByteBuffer buffer = slots.get(slot);
        if (buffer == null) throw new IllegalStateException("slot " + slot + " is not mapped");
        long bytes = count * (type == SidecarProtocol.F64 ? 8L : 4L);
        if (bytes > buffer.capacity()) {
            throw new IllegalStateException(count + " values exceed slot " + slot + " (" + buffer.capacity()
                    + " bytes)");
        }
        torch.ScalarType scalar = type == SidecarProtocol.F64 ? torch.ScalarType.Double : torch.ScalarType.Float;
        return torch.from_blob(new BytePointer(buffer), new long[] {count}, new TensorOptions(scalar));
    }

    private static void reply(DataOutputStream out, Throwable failure) throws IOException {
        if (failure == null) {
            out.writeByte(SidecarProtocol.OK);
        } else {
            out.writeByte(SidecarProtocol.FAILED);
            // Gloo's messages start with its source position ("[/path/gloo/transport/tcp/pair.cc:538] Read error")
            String message = String.valueOf(failure.getMessage()).lines().findFirst().orElse("")
                    .replaceFirst("^\\[[^\\]]*\\.(cc|cpp|h):\\d+\\] ", "");
            out.writeUTF(message.length() > 2000 ? message.substring(0, 2000) : message);
        }
        out.flush();
    }
}
