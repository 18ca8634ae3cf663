package org.seer4j.data.webdataset;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The tar files a {@code data.path} names: a brace pattern as WebDataset writes them
 * ({@code shards/train-{000000..000999}.tar}, also {@code {a,b,c}} lists), a glob ({@code shards/*.tar}), a
 * folder (its {@code .tar} files in name order) or one {@code .tar} file.
 */
public final class ShardPaths {
    private static final Pattern RANGE = Pattern.compile("\\{(\\d+)\\.\\.(\\d+)}");
    private static final Pattern LIST = Pattern.compile("\\{([^{}]*,[^{}]*)}");

    private ShardPaths() {
    }

    /** The files, in a fixed order; fails with a message when none exists. */
    public static List<Path> resolve(String spec) throws IOException {
        List<Path> out = new ArrayList<>();
        if (RANGE.matcher(spec).find() || LIST.matcher(spec).find()) {
            List<String> missing = new ArrayList<>();
            for (String s : expand(spec)) {
                Path p = Path.of(s);
                if (Files.isRegularFile(p)) {
                    out.add(p);
                } else {
                    missing.add(s);
                }
            }
            if (!missing.isEmpty()) {
                throw new IOException(missing.size() + " of the shards that " + spec + " names do not exist, e.g. "
                        + missing.get(0));
            }
        } else if (spec.contains("*") || spec.contains("?") || spec.contains("[")) {
            Path pattern = Path.of(spec);
            Path dir = pattern.getParent() == null ? Path.of(".") : pattern.getParent();
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern.getFileName());
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> m.matches(p.getFileName()) && Files.isRegularFile(p)).sorted().forEach(out::add);
            }
        } else {
            Path p = Path.of(spec);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tar")
                            && Files.isRegularFile(f)).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new IOException(spec + " does not exist");
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no .tar shards match " + spec);
        }
        return out;
    }

    /**
     * Brace expansion as Python's braceexpand (which WebDataset uses): the leftmost brace first, numeric ranges
     * padded to the width of their first bound, lists in their order.
     */
    static List<String> expand(String spec) {
        Matcher r = RANGE.matcher(spec);
        Matcher l = LIST.matcher(spec);
        boolean range = r.find();
        boolean list = l.find();
        List<String> out = new ArrayList<>();
        if (range && (!list || r.start() < l.start())) {
            String lo = r.group(1);
            long a = Long.parseLong(lo);
            long b = Long.parseLong(r.group(2));
            for (long i = a; a <= b ? i <= b : i >= b; i += a <= b ? 1 : -1) {
                String n = String.format(Locale.ROOT, "%0" + lo.length() + "d", i);
                out.addAll(expand(spec.substring(0, r.start()) + n + spec.substring(r.end())));
            }
            return out;
        }
        if (list) {
            for (String alt : l.group(1).split(",", -1)) {
                out.addAll(expand(spec.substring(0, l.start()) + alt + spec.substring(l.end())));
            }
            return out;
        }
        return List.of(spec);
    }
}
