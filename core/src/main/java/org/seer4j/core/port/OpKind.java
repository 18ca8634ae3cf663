package org.seer4j.core.port;

/**
 * What a SwAV training step spends its time on, as {@code seer4j bench --profile} reports it; the same list for
 * every engine so that their profiles (and PyTorch's, by {@code scripts/bench_pytorch_reference.py}) line up.
 */
public enum OpKind {
    /** The stem's 3x3 convolution on the images. */
    STEM_CONV("stem conv"),
    /** 1x1 convolutions: every block's f.a and f.c and the projection shortcuts (however the engine runs them). */
    CONV_1X1("1x1 conv"),
    /** Every block's grouped 3x3 convolution (f.b). */
    GROUPED_CONV_3X3("grouped 3x3 conv"),
    /** Squeeze-excitation: pooling, its two small 1x1 layers, sigmoid and the channel scaling. */
    SQUEEZE_EXCITATION("squeeze-excitation"),
    /** Batch normalisation of trunk and head. */
    BATCH_NORM("batch norm"),
    /** ReLUs and the residual additions. */
    ACTIVATION("activations, residual add"),
    /** Global pooling, the projection head, prototypes, L2 normalisation and the swapped-prediction loss. */
    HEAD("head, prototypes, loss"),
    /** Sinkhorn-Knopp codes (no gradient). */
    SINKHORN("Sinkhorn"),
    /** The parameter update (SGD momentum / LARC), prototype normalisation, gradient release. */
    OPTIMIZER("optimizer update"),
    /** Waiting for the batch and bringing it into the engine (layout conversion included). */
    DATA("data wait, copy in"),
    /** Engine operations that fit none of the kinds above (copies, layout changes, bookkeeping kernels). */
    OTHER("other engine ops"),
    /** Step time outside any engine operation the profiler saw: JVM, JNI, graph building, scheduling. */
    UNATTRIBUTED("outside engine ops");

    private final String label;

    OpKind(String label) {
        this.label = label;
    }

    /** A short human-readable name for tables. */
    public String label() {
        return label;
    }

    /** The JSON key: the constant's name in lower case ({@code grouped_conv_3x3}). */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
