package org.seer4j.data.webdataset;

import java.util.Map;

/**
 * One WebDataset sample: the tar members sharing a key ({@code dir/key.jpg}, {@code dir/key.cls}, ...), by
 * extension (lower case, everything after the first dot of the file name), with the shard it came from.
 * {@code truncated} when the shard ended inside one of its members.
 */
record Sample(String shard, String key, Map<String, byte[]> members, boolean truncated) {
}
