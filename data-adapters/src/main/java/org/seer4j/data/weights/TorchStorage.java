package org.seer4j.data.weights;

/**
 * A storage a pickled tensor points at, as its persistent id describes it: the key of its bytes in the file, its
 * element type and size. Legacy files may hand out views of a storage: {@code viewOffset} elements into it.
 *
 * @param key        the storage's key ({@code data/<key>} in a zip archive, the key list in a legacy file)
 * @param dtype      element type
 * @param elements   elements of the root storage
 * @param viewOffset elements between the root storage's start and this view's start (0 unless a legacy view)
 */
public record TorchStorage(String key, TorchDtype dtype, long elements, long viewOffset) {
}
