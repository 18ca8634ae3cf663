package org.seer4j.djl.gloo;

/**
 * The commands {@link GlooCollective} sends its {@link GlooSidecar} over their Unix domain socket (big-endian, as
 * {@code DataOutputStream} writes them), one reply each: {@link #OK}, or {@link #FAILED} and a message.
 * Values travel through shared memory-mapped slots, never through the socket.
 */
final class SidecarProtocol {
    /** slot (int), file (UTF), bytes (long): map the file as that slot. */
    static final byte MAP = 1;
    /** slot (int), type (byte), count (long): sum the slot's first count values over the group, in place. */
    static final byte ALL_REDUCE = 2;
    /** slot, type, count, root (int): the root's values into every worker's slot. */
    static final byte BROADCAST = 3;
    static final byte BARRIER = 4;
    static final byte CLOSE = 5;

    static final byte F32 = 0;
    static final byte F64 = 1;

    static final byte OK = 0;
    static final byte FAILED = 1;

    private SidecarProtocol() {
    }
}
