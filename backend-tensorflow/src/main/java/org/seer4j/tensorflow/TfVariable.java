package org.seer4j.tensorflow;

import java.util.Arrays;
import org.seer4j.core.tensor.Tensor;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssignVariableOp;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * One model tensor held in a TensorFlow resource variable, known by its interchange name. Convolution filters
 * live in HWIO inside the graph and cross the port in OIHW; everything else keeps its torch layout.
 * Resource variables (not ref variables) so that a read taken for the forward pass is a snapshot that a later
 * assign in the same run cannot change under the backward pass.
 *
 * <p>Values cross into and out of the variable in interchange layout: the filter transposition and the cast to the
 * storage type (float32, or bfloat16 for compact optimiser state) run inside TensorFlow, so a load or a read
 * needs no Java copy of the tensor, only the native one TensorFlow feeds or fetches.
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
    private final Class<? extends TType> storage;
    private final Output<?> handle;
    private final Output<?> stored;
    private final Output<TFloat32> read;
    private final Placeholder<TFloat32> feed;
    private final AssignVariableOp assign;
    private final Placeholder<TFloat32> zeroValue;
    private final AssignVariableOp zero;
    private final Output<TFloat32> interchangeRead;

    private TfVariable(Ops tf, String role, String name, Kind kind, int[] interchangeShape,
                       Class<? extends TType> storage) {
        this.name = name;
        this.kind = kind;
        this.storage = storage;
        this.interchangeShape = interchangeShape.clone();
        this.internalShape = kind == Kind.CONV
                ? new int[] {interchangeShape[2], interchangeShape[3], interchangeShape[1], interchangeShape[0]}
                : interchangeShape.clone();
        Ops v = tf.withSubScope(opName(name));
        this.handle = v.withName("handle").varHandleOp(storage, TfTensors.shape(internalShape),
                VarHandleOp.sharedName(role + "/" + opName(name))).asOutput();
        this.stored = v.withName(storage == TFloat32.class ? "read" : "stored").readVariableOp(handle, storage).asOutput();
        this.read = storage == TFloat32.class ? asFloat(stored)
                : v.withName("read").dtypes.cast(stored, TFloat32.class).asOutput();
        this.feed = v.withName("feed").placeholder(TFloat32.class,
                Placeholder.shape(TfTensors.shape(this.interchangeShape)));
        this.assign = v.withName("load").assignVariableOp(handle, toStorage(v, toInternalLayout(v, feed)));
        // The fill value is fed, not a constant: Grappler folds a constant fill into a Const node whose tensor the
        // zeroing run's executor keeps for the session's life, and the variable would share that buffer until its
        // first update copied it (3.6 GB of dead zeros next to SEER's 256GF momentum; docs/scale.md).
        this.zeroValue = v.withName("zero_value").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        this.zero = v.withName("zero").assignVariableOp(handle,
                v.withName("zero_fill").fill(v.constant(TfTensors.longs(internalShape)), toStorage(v, zeroValue)));
        this.interchangeRead = kind == Kind.CONV
                ? v.withName("interchange").linalg.transpose(read, v.constant(new int[] {3, 2, 0, 1})).asOutput()
                : read;
    }

    @SuppressWarnings("unchecked")
    private static Output<TFloat32> asFloat(Output<?> o) {
        return (Output<TFloat32>) o;
    }

    /** {@code role} keeps resources apart that share a name (a weight and its momentum buffer). */
    static TfVariable create(Ops tf, String role, String name, Kind kind, int... interchangeShape) {
        return create(tf, role, name, kind, TFloat32.class, interchangeShape);
    }

    /** A variable stored as {@code storage} (TFloat32 or TBfloat16); it is read and loaded as float32. */
    static TfVariable create(Ops tf, String role, String name, Kind kind, Class<? extends TType> storage,
                             int... interchangeShape) {
        if (kind == Kind.CONV && interchangeShape.length != 4) {
            throw new IllegalArgumentException(name + ": a convolution filter needs an OIHW shape, got "
                    + Arrays.toString(interchangeShape));
        }
        if (storage != TFloat32.class && storage != TBfloat16.class) {
            throw new IllegalArgumentException(name + ": variables are stored as float32 or bfloat16, not " + storage);
        }
        return new TfVariable(tf, role, name, kind, interchangeShape, storage);
    }

    private Operand<TFloat32> toInternalLayout(Ops tf, Operand<TFloat32> interchange) {
        return kind == Kind.CONV ? tf.linalg.transpose(interchange, tf.constant(new int[] {2, 3, 1, 0})) : interchange;
    }

    /** The float32 value cast to this variable's storage type (round to nearest even for bfloat16). */
    Operand<?> toStorage(Ops tf, Operand<TFloat32> value) {
        return storage == TFloat32.class ? value : tf.dtypes.cast(value, storage);
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

    Class<? extends TType> storage() {
        return storage;
    }

    long size() {
        long n = 1;
        for (int d : interchangeShape) n *= d;
        return n;
    }

    /** The value every graph of the model reads (one read op per variable, so gradients have one source). */
    Output<TFloat32> read() {
        return read;
    }

    /**
     * The float32 value read by ops of {@code tf}'s scope, so under its control dependencies: float32 storage is
     * the shared read (an alias of the variable's buffer, no copy); other storage is widened by a cast built here.
     * The shared widening cast of {@link #read()} has no inputs but the variable, so TensorFlow runs it as soon as
     * a step starts: a float32 copy of every bfloat16 momentum buffer alive until its update.
     */
    Operand<TFloat32> readIn(Ops tf) {
        return storage == TFloat32.class ? read : tf.dtypes.cast(stored, TFloat32.class);
    }

    /** The value as stored (bfloat16 for compact optimiser state). */
    Output<?> stored() {
        return stored;
    }

    /** Placeholder of the interchange shape whose value {@link #assign()} stores. */
    Placeholder<TFloat32> feed() {
        return feed;
    }

    AssignVariableOp assign() {
        return assign;
    }

    /** Sets the variable to zeros inside TensorFlow, given 0 fed to {@link #zeroValue()}. */
    AssignVariableOp zero() {
        return zero;
    }

    /** The scalar {@link #zero()} fills the variable with. */
    Placeholder<TFloat32> zeroValue() {
        return zeroValue;
    }

    /** The value in interchange layout (OIHW filters), float32. */
    Output<TFloat32> interchangeRead() {
        return interchangeRead;
    }

    Tensor toInterchange(Tensor internal) {
        return kind == Kind.CONV ? TfTensors.hwioToOihw(internal) : internal;
    }
}
