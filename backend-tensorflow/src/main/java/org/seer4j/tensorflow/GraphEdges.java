package org.seer4j.tensorflow;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_UpdateEdge;

import java.lang.reflect.Method;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Input;
import org.tensorflow.internal.c_api.TF_Output;
import org.tensorflow.internal.c_api.TF_Status;

/**
 * Rewires an op's input after the op was built: TensorFlow's C API has the call ({@code TF_UpdateEdge}), TensorFlow
 * Java does not expose it, so the graph's native handle is taken through its package-private {@code ref()}. Only
 * for ops no session has run yet (TensorFlow ignores, and warns about, changes to ops it already ran).
 */
final class GraphEdges {
    private GraphEdges() {
    }

    /** Makes input {@code index} of {@code consumer} read {@code source}. */
    static void update(Graph graph, Output<?> source, GraphOperation consumer, int index) {
        try (AutoCloseable ref = graphReference(graph); PointerScope scope = new PointerScope()) {
            Method handle = ref.getClass().getDeclaredMethod("nativeHandle");
            handle.setAccessible(true);
            TF_Status status = TF_Status.newStatus();
            TF_UpdateEdge((TF_Graph) handle.invoke(ref),
                    new TF_Output().oper(((GraphOperation) source.op()).getUnsafeNativeHandle()).index(source.index()),
                    new TF_Input().oper(consumer.getUnsafeNativeHandle()).index(index), status);
            status.throwExceptionIfNotOK();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this TensorFlow Java has no Graph.ref().nativeHandle(), which seer4j"
                    + " uses to rewire " + consumer.name() + " (built against TensorFlow Java 1.1)", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("rewiring " + consumer.name() + ": " + e.getMessage(), e);
        }
    }

    /** The graph's native handle, held (the graph cannot close meanwhile) until the reference is closed. */
    private static AutoCloseable graphReference(Graph graph) throws ReflectiveOperationException {
        Method ref = Graph.class.getDeclaredMethod("ref");
        ref.setAccessible(true);
        return (AutoCloseable) ref.invoke(graph);
    }
}
