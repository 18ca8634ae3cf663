package org.seer4j.tensorflow;

import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.internal.c_api.TF_Server;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ServerDef;

/**
 * TensorFlow's in-process gRPC server, started through the C API because the server's own target string
 * ({@code TF_ServerTarget}) matters: a session whose target is exactly that string talks to the in-process master
 * directly, its feeds and fetches staying tensors; any other spelling of the same address (say {@code localhost}
 * for {@code 127.0.0.1}) goes through gRPC, serialising every fed and fetched tensor into protobuf messages on
 * loopback. TF Java's {@code Server} does not expose the target.
 *
 * <p>TensorFlow 2.18 cannot stop a started gRPC server ("clean shutdown is not currently implemented") and its
 * destructor aborts the process on a running one, so {@link #close()} tries to stop it and otherwise leaves it to
 * the process's exit.
 */
final class GrpcServer implements AutoCloseable {
    private final TF_Server handle;
    private final String target;
    private boolean closed;

    private GrpcServer(TF_Server handle, String target) {
        this.handle = handle;
        this.target = target;
    }

    static GrpcServer start(ServerDef serverDef) {
        byte[] bytes = serverDef.toByteArray();
        try (TF_Status status = TF_Status.newStatus(); BytePointer proto = new BytePointer(bytes)) {
            TF_Server handle = tensorflow.TF_NewServer(proto, bytes.length, status);
            status.throwExceptionIfNotOK();
            tensorflow.TF_ServerStart(handle, status);
            status.throwExceptionIfNotOK();
            return new GrpcServer(handle, tensorflow.TF_ServerTarget(handle).getString());
        }
    }

    /** The target string the server registered itself under, e.g. {@code grpc://127.0.0.1:2222}. */
    String target() {
        return target;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (TF_Status status = TF_Status.newStatus()) {
            tensorflow.TF_ServerStop(handle, status);
            if (tensorflow.TF_GetCode(status) == tensorflow.TF_OK) {
                tensorflow.TF_ServerJoin(handle, status);
                tensorflow.TF_DeleteServer(handle);
            }
        }
    }
}
