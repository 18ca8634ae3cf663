package org.seer4j.data.webdataset;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Streams the samples of one tar shard: consecutive members with the same key form a sample (WebDataset's
 * rule), read straight from the archive, never extracted. Only the members in {@code wanted} are kept (the rest
 * are skipped over unread). A shard cut short ends with a sample marked truncated; an unreadable one yields
 * nothing more after the failure, which {@link #failure()} describes.
 */
final class TarSamples implements Iterator<Sample>, AutoCloseable {
    private final String name;
    private final Set<String> wanted;
    private final long maxMemberBytes;
    private TarArchiveInputStream tar;
    private TarArchiveEntry lookahead;
    private Sample pending;
    private String failure;
    private boolean done;

    TarSamples(Path shard, Set<String> wanted, long maxMemberBytes) {
        this.name = shard.toString();
        this.wanted = wanted;
        this.maxMemberBytes = maxMemberBytes;
        try {
            InputStream in = new BufferedInputStream(Files.newInputStream(shard), 1 << 16);
            tar = new TarArchiveInputStream(in);
            lookahead = tar.getNextEntry();
        } catch (IOException | RuntimeException e) {
            fail("cannot read " + name + ": " + e.getMessage());
        }
    }

    /** Why the shard stopped early (unreadable or not a tar), or null. */
    String failure() {
        return failure;
    }

    private void fail(String why) {
        failure = why;
        done = true;
        close();
    }

    @Override
    public boolean hasNext() {
        if (pending == null && !done) {
            pending = read();
        }
        return pending != null;
    }

    @Override
    public Sample next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Sample s = pending;
        pending = null;
        return s;
    }

    private Sample read() {
        while (lookahead != null && !lookahead.isFile()) {
            advance();
            if (done) {
                return null;
            }
        }
        if (lookahead == null) {
            done = true;
            close();
            return null;
        }
        String key = key(lookahead.getName());
        Map<String, byte[]> members = new LinkedHashMap<>();
        while (lookahead != null && (!lookahead.isFile() || key.equals(key(lookahead.getName())))) {
            if (lookahead.isFile()) {
                String ext = extension(lookahead.getName());
                if (wanted.contains(ext) && !members.containsKey(ext)) {
                    long size = lookahead.getSize();
                    if (size > maxMemberBytes) {
                        members.put(ext, null); // too large: the caller counts it
                    } else {
                        try {
                            members.put(ext, tar.readNBytes((int) size));
                            if (members.get(ext).length < size) {
                                return truncated(key, members);
                            }
                        } catch (IOException e) {
                            return truncated(key, members);
                        }
                    }
                }
            }
            advance();
            if (failure != null) {
                return truncated(key, members);
            }
        }
        return new Sample(name, key, members, false);
    }

    private Sample truncated(String key, Map<String, byte[]> members) {
        done = true;
        failure = null; // a cut-short shard is counted as one truncated sample, not a failure
        close();
        return new Sample(name, key, members, true);
    }

    private void advance() {
        try {
            lookahead = tar.getNextEntry();
        } catch (IOException | RuntimeException e) {
            lookahead = null;
            fail(name + " ends inside a tar header: " + e.getMessage());
        }
    }

    /** WebDataset's key: the member's path without its extensions (from the first dot of the file name). */
    static String key(String member) {
        int slash = member.lastIndexOf('/');
        int dot = member.indexOf('.', slash + 1);
        return dot < 0 ? member : member.substring(0, dot);
    }

    static String extension(String member) {
        int slash = member.lastIndexOf('/');
        int dot = member.indexOf('.', slash + 1);
        return dot < 0 ? "" : member.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        if (tar != null) {
            try {
                tar.close();
            } catch (IOException e) {
                // nothing was written; the descriptor is released either way
            }
            tar = null;
        }
    }
}
