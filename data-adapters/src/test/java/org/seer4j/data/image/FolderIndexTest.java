package org.seer4j.data.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderIndexTest {
    @TempDir
    Path dir;
    @TempDir
    Path tmp;

    private List<String> names(FolderIndex idx) {
        List<String> out = new ArrayList<>();
        for (long i = 0; i < idx.size(); i++) {
            out.add(dir.relativize(idx.path(i)).toString());
        }
        return out;
    }

    @Test
    void entriesAreInNameOrderDepthFirst() throws IOException {
        for (String f : new String[] {"b/2.jpg", "b/1.png", "a.gif", "c.bmp", "b/x/0.jpeg", "Z.JPG"}) {
            Files.createDirectories(dir.resolve(f).getParent());
            Files.write(dir.resolve(f), new byte[] {1});
        }
        try (FolderIndex idx = FolderIndex.walk(dir, false, tmp)) {
            // byte order of names: upper case first
            assertThat(names(idx)).containsExactly("Z.JPG", "a.gif", "b/1.png", "b/2.jpg", "b/x/0.jpeg", "c.bmp");
        }
    }

    @Test
    void aFolderPastTheSortLimitIsStreamedInListingOrderWithNothingLostOrRepeated() throws IOException {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Files.write(dir.resolve("f" + i + ".jpg"), new byte[] {1});
            expected.add("f" + i + ".jpg");
        }
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/g.jpg"), new byte[] {1});
        expected.add("sub/g.jpg");
        try (FolderIndex idx = FolderIndex.walk(dir, false, tmp, 4)) {
            assertThat(names(idx)).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void pathsWithUnicodeAndSpacesSurviveTheIndex() throws IOException {
        Path f = dir.resolve("été photos/çà et là 📷.jpg");
        Files.createDirectories(f.getParent());
        Files.write(f, new byte[] {1});
        try (FolderIndex idx = FolderIndex.walk(dir, false, tmp)) {
            assertThat(idx.path(0)).isEqualTo(dir.toRealPath().resolve("été photos/çà et là 📷.jpg"));
        }
    }
}
