package org.seer4j.djl.gloo;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Starts test worker processes on 127.0.0.1 with the torchrun-style variables, as {@code seer4j launch} does. */
final class WorkerProcesses {

    record Finished(int rank, int exitCode, List<String> lines) {
        String value(String key) {
            return lines.stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                    .findFirst().orElseThrow(() -> new AssertionError("rank " + rank + " printed no " + key
                            + "; output: " + lines));
        }
    }

    private WorkerProcesses() {
    }

    /** Runs {@code mainClass args} as {@code world} processes and waits for all (killing any past the limit). */
    static List<Finished> run(int world, long limitSeconds, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        int port = freePorts(world);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    mainClass.getName()));
            command.addAll(List.of(args));
            Path out = Files.createTempFile("seer4j-worker-" + r, ".out");
            outputs.add(out);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("RANK", Integer.toString(r));
            pb.environment().put("WORLD_SIZE", Integer.toString(world));
            pb.environment().put("MASTER_ADDR", "127.0.0.1");
            pb.environment().put("MASTER_PORT", Integer.toString(port));
            processes.add(pb.start());
        }
        List<Finished> finished = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
        for (int r = 0; r < world; r++) {
            Process p = processes.get(r);
            long left = Math.max(0, deadline - System.nanoTime());
            if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                p.destroyForcibly().waitFor();
            }
            finished.add(new Finished(r, p.exitValue(), Files.readAllLines(outputs.get(r))));
            Files.deleteIfExists(outputs.get(r));
        }
        return finished;
    }

    /** The first of {@code count} consecutive ports that are free now. */
    private static int freePorts(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20000, 60000);
            boolean free = true;
            for (int i = 0; i < count && free; i++) {
                try (ServerSocket s = new ServerSocket(first + i)) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports found");
    }
}
