package org.seer4j.data.image;

import org.seer4j.core.image.Shard;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.port.ImageStream;

/**
 * A source that can hand out its images before decoding them, so that the pipeline draws the crops first and
 * decodes each JPEG at the smallest size that still covers them (see {@link EncodedImage#decode(int)}).
 */
public interface EncodedSource extends ImageSource {

    /** Like {@link #open(long, long, Shard, long)}, with decoding left to the reader. */
    PositionedStream<EncodedImage> openEncoded(long seed, long epoch, Shard shard, long startPosition);

    /** The encoded stream, decoded at full size. */
    @Override
    default ImageStream open(long seed, long epoch, Shard shard, long startPosition) {
        return PositionedStream.decoded(openEncoded(seed, epoch, shard, startPosition));
    }

    @Override
    default ImageStream open(long seed, long epoch, Shard shard) {
        return open(seed, epoch, shard, 0);
    }
}
