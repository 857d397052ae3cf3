package io.toolace.stream.reliability;

import io.toolace.stream.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One command of {@code toolace-stream.jar} in a JVM of its own, started from the test class path (no
 * packaged jar needed), its stdout and stderr in a log file. It can be killed as a crash kills it
 * ({@link #kill()}: SIGKILL, no shutdown hook runs) or stopped as an operator stops it ({@link #stop()}:
 * SIGTERM, the command closes what it runs).
 */
final class ChildJvm implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path log;

    private ChildJvm(final Process process, final Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code Main} with {@code args}, its output going to {@code log} (replaced). */
    static ChildJvm start(final Path log, final List<String> args) {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // One node, all stages and a broker: the run command's working set, with room for restores.
                "-Xmx1g", "-XX:+UseParallelGC",
                // The command's own logging (test-classes come first on the class path and hold a test config):
                // among others it keeps logging while a SIGTERM closes the broker.
                "-Dlog4j2.configurationFile=log4j2.xml",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start(), log);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /**
     * Waits until a line of the log contains {@code fragment} and returns it; empty when the process
     * exits or {@code timeout} passes first.
     */
    Optional<String> awaitLine(final String fragment, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            final boolean exited = !process.isAlive();
            // A line still being written (no newline yet) is not matched: "--bootstrap-servers " was once read
            // before the address behind it.
            final Optional<String> line = lines(log, exited).stream().filter(l -> l.contains(fragment)).findFirst();
            if (line.isPresent() || exited || System.nanoTime() > deadline) {
                return line;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Lines of {@code log} that contain {@code fragment}; none when there is no such file. */
    static long count(final Path log, final String fragment) {
        if (!Files.exists(log)) {
            return 0;
        }
        return lines(log, true).stream().filter(line -> line.contains(fragment)).count();
    }

    /** SIGKILL, as a crash, the OOM killer or a node loss would end it; waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, as Ctrl-C or a pod's termination would end it; waits until it is gone. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("pid " + process.pid() + " did not stop within " + STOP_TIMEOUT + "\n" + tail());
        }
    }

    /** The exit code, or empty when it still runs after {@code timeout}. */
    Optional<Integer> awaitExit(final Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? Optional.of(process.exitValue()) : Optional.empty();
    }

    /** The last lines of the log, for a failure message. */
    String tail() {
        final List<String> lines = lines();
        return "last lines of " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40),
                lines.size()));
    }

    private List<String> lines() {
        return lines(log, true);
    }

    /** The log's lines; the last one only if {@code withUnfinished} or it ends with a newline. */
    static List<String> lines(final Path log, final boolean withUnfinished) {
        try {
            // Read as bytes: the child may be writing half a line, which a strict decoder would refuse.
            final String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            return (withUnfinished ? text : text.substring(0, text.lastIndexOf('\n') + 1)).lines().toList();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the process if it still runs, so that a failed test leaves no JVM behind. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
