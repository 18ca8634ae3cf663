package org.seer4j.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/library.md's example compiles against the real modules and runs: pretrains a few steps, then embeds. */
class LibraryExampleTest {

    @Test
    void theLibraryExampleCompilesAndPretrainsThenEmbeds(@TempDir Path dir) throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "library.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("a java block in docs/library.md").isTrue();
        String source = m.group(1);
        assertThat(source.lines().filter(l -> !l.isBlank() && !l.startsWith("import")).count())
                .as("the example stays about 20 lines").isLessThanOrEqualTo(20);
        Path src = dir.resolve("LibraryExample.java");
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-cp", System.getProperty("java.class.path"),
                "-d", dir.toString(), src.toString());
        assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, PretrainEndToEndTest.TINY);
        Path run = dir.resolve("run");
        PrintStream saved = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass("LibraryExample").getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {config.toString(), run.toString(), "2"});
        } finally {
            System.setOut(saved);
        }
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).anyMatch(l -> l.startsWith("loss after 2 steps: "));
        assertThat(lines).anyMatch(l -> l.matches("4000 images, \\d+ features each"));
        assertThat(run.resolve("features.safetensors")).exists();
    }
}
