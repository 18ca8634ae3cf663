package org.seer4j.tensorflow;

import java.util.Arrays;
import org.seer4j.core.tensor.Tensor;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssignVariableOp;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/**
 * One model tensor held in a TensorFlow resource variable, known by its interchange name. Convolution filters
 * live in HWIO inside the graph and cross the port in OIHW; everything else keeps its torch layout.
 * Resource variables (not ref variables) so that a read taken for the forward pass is a snapshot that a later
 * assign in the same run cannot change under the backward pass.
 */
final class TfVariable {

    enum Kind {
        CONV, LINEAR, BIAS, BN_WEIGHT, BN_BIAS, RUNNING_MEAN, RUNNING_VAR;

        boolean trainable() {
            return this != RUNNING_MEAN && this != RUNNING_VAR;
        }

        /** Biases and normalisation parameters: LARS variants skip their scaling and weight decay. */
        boolean biasOrNorm() {
            return this == BIAS || this == BN_WEIGHT || this == BN_BIAS;
        }
    }

    private final String name;
    private final Kind kind;
    private final int[] interchangeShape;
    private final int[] internalShape;
    private final Output<?> handle;
    private final Output<TFloat32> read;
    private final Placeholder<TFloat32> feed;
    private final AssignVariableOp assign;

    private TfVariable(Ops tf, String role, String name, Kind kind, int[] interchangeShape) {
        this.name = name;
        this.kind = kind;
        this.interchangeShape = interchangeShape.clone();
        this.internalShape = kind == Kind.CONV
                ? new int[] {interchangeShape[2], interchangeShape[3], interchangeShape[1], interchangeShape[0]}
                : interchangeShape.clone();
        Ops v = tf.withSubScope(opName(name));
        this.handle = v.withName("handle").varHandleOp(TFloat32.class, TfTensors.shape(internalShape),
                VarHandleOp.sharedName(role + "/" + opName(name))).asOutput();
        this.read = v.withName("read").readVariableOp(handle, TFloat32.class).asOutput();
        this.feed = v.withName("feed").placeholder(TFloat32.class, Placeholder.shape(TfTensors.shape(internalShape)));
        this.assign = v.withName("load").assignVariableOp(handle, feed);
    }

    /** {@code role} keeps resources apart that share a name (a weight and its momentum buffer). */
    static TfVariable create(Ops tf, String role, String name, Kind kind, int... interchangeShape) {
        if (kind == Kind.CONV && interchangeShape.length != 4) {
            throw new IllegalArgumentException(name + ": a convolution filter needs an OIHW shape, got "
                    + Arrays.toString(interchangeShape));
        }
        return new TfVariable(tf, role, name, kind, interchangeShape);
    }

    /** TensorFlow op names allow dots and dashes but no leading underscore; interchange names fit as they are. */
    private static String opName(String name) {
        return name.replace('/', '.');
    }

    String name() {
        return name;
    }

    Kind kind() {
        return kind;
    }

    int[] interchangeShape() {
        return interchangeShape.clone();
    }

    int[] internalShape() {
        return internalShape.clone();
    }

    Output<?> handle() {
        return handle;
    }

    /** The value every graph of the model reads (one read op per variable, so gradients have one source). */
    Output<TFloat32> read() {
        return read;
    }

    Placeholder<TFloat32> feed() {
        return feed;
    }

    AssignVariableOp assign() {
        return assign;
    }

    Tensor toInternal(Tensor interchange) {
        if (!Arrays.equals(interchange.shape(), interchangeShape)) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(interchangeShape)
                    + " but the given tensor has " + Arrays.toString(interchange.shape()));
        }
        return kind == Kind.CONV ? TfTensors.oihwToHwio(interchange) : interchange;
    }

    Tensor toInterchange(Tensor internal) {
        return kind == Kind.CONV ? TfTensors.hwioToOihw(internal) : internal;
    }
}
