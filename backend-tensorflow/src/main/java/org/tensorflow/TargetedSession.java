package org.tensorflow;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ConfigProto;

/**
 * Opens a {@link Session} on a target such as {@code grpc://localhost:2222}: TensorFlow Java 1.1.0 starts gRPC
 * servers ({@link Server}) but its public Session constructors always run in process. The C API's
 * {@code TF_SetTarget} is public; only the Session constructor that adopts a native session is package-private,
 * which is why this one class lives in TensorFlow's package (seer4j's class path is not modular).
 */
public final class TargetedSession {

    private TargetedSession() {
    }

    public static Session open(Graph graph, String target, ConfigProto config) {
        try (PointerScope scope = new PointerScope(); Graph.Reference ref = graph.ref()) {
            TF_Status status = TF_Status.newStatus();
            TF_SessionOptions options = TF_SessionOptions.newSessionOptions();
            tensorflow.TF_SetTarget(options, target);
            BytePointer bytes = new BytePointer(config.toByteArray());
            tensorflow.TF_SetConfig(options, bytes, bytes.capacity(), status);
            status.throwExceptionIfNotOK();
            TF_Session session = TF_Session.newSession(ref.nativeHandle(), options, status);
            status.throwExceptionIfNotOK();
            return new Session(graph, (TF_Session) session.retainReference());
        }
    }
}
