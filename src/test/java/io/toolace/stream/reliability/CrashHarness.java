package io.toolace.stream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Crashes {@code run} over and over on one data directory: starts it in a child JVM, SIGKILLs it at a
 * random moment, starts it again on the same directory, and after the last kill lets a run finish.
 * About half the kills land during start-up (broker log recovery, topic creation, state restore,
 * group joins); the others once the run exports samples again (dialogs then are at every step, from
 * planner to export), anywhere up to {@code maxUptime} later. The first run is killed so: it first
 * grows the API pool.
 */
final class CrashHarness {

    /** The line {@code run} prints once its stages run. */
    static final String RUNNING = "toolace-stream running stages";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    /** How long a run may take to export a sample: the first grows the API pool before it plans. */
    private static final Duration EXPORT_TIMEOUT = Duration.ofMinutes(5);
    /** What the embedded broker's process logs for each hanging transaction it aborts. */
    static final String HANG_ABORTED = "aborted a hanging transaction";
    /** Share of the kills aimed at start-up, and how long after launch they may come. */
    private static final double START_UP_SHARE = 0.5;
    private static final Duration START_UP = Duration.ofSeconds(12);

    /**
     * What the kills hit.
     *
     * @param kills processes killed
     * @param inStartUp kills before the command reported it runs
     * @param exportedAtKill lines in the export file just after each kill, torn tail included
     * @param secondsToRunning seconds from launch until the stages ran, of each run killed while running
     */
    record Kills(int kills, int inStartUp, List<Long> exportedAtKill, List<Long> secondsToRunning) {}

    private final Path work;
    private final IntFunction<List<String>> runArgs;
    private final Path export;
    private final Random random;
    private int launches;

    /**
     * @param work directory of the child logs
     * @param runArgs per launch (1, 2, ...), the {@code run} command and its arguments, the data directory and
     *     {@code --out export} among them
     */
    CrashHarness(final Path work, final IntFunction<List<String>> runArgs, final Path export, final long seed) {
        this.work = work;
        this.runArgs = runArgs;
        this.export = export;
        this.random = new Random(seed);
    }

    /**
     * Kills {@code count} runs, each at a random moment of its life, and at the latest once it has exported
     * {@code exportCap} samples more than it found.
     */
    Kills kill(final int count, final Duration maxUptime, final long exportCap) throws InterruptedException {
        int inStartUp = 0;
        final List<Long> exported = new ArrayList<>();
        final List<Long> toRunning = new ArrayList<>();
        for (int kill = 0; kill < count; kill++) {
            final long launched = System.nanoTime();
            final long before = lines(export);
            try (ChildJvm child = launch()) {
                if (kill > 0 && random.nextDouble() < START_UP_SHARE) {
                    Thread.sleep(randomMillis(START_UP));
                } else {
                    final Optional<String> running = child.awaitLine(RUNNING, START_TIMEOUT);
                    assertThat(running).as("run %d started\n%s", launches, child.tail()).isPresent();
                    toRunning.add((System.nanoTime() - launched) / 1_000_000_000);
                    awaitExportBeyond(child, export, before);
                    runFor(randomMillis(maxUptime), before + exportCap);
                }
                assertThat(child.alive()).as("run %d still running when killed\n%s", launches, child.tail()).isTrue();
                inStartUp += child.awaitLine(RUNNING, Duration.ZERO).isEmpty() ? 1 : 0;
                child.kill();
                exported.add(lines(export));
            }
        }
        return new Kills(count, inStartUp, exported, toRunning);
    }

    /**
     * Waits until {@code run} has exported more than {@code lines} verified samples to {@code export}:
     * samples flow from planner to export, so a kill now lands with dialogs at every step.
     */
    static void awaitExportBeyond(final ChildJvm run, final Path export, final long lines)
            throws InterruptedException {
        final long deadline = System.nanoTime() + EXPORT_TIMEOUT.toNanos();
        while (lines(export) <= lines) {
            assertThat(run.alive()).as("run alive and exporting beyond line %d\n%s", lines, run.tail()).isTrue();
            assertThat(System.nanoTime()).as("export beyond line %d within %s\n%s", lines, EXPORT_TIMEOUT,
                    run.tail()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Waits {@code millis}, or less once the export holds {@code lines} lines. */
    private void runFor(final long millis, final long lines) throws InterruptedException {
        final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < until && lines(export) < lines) {
            Thread.sleep(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()))));
        }
    }

    /** Hanging transactions the runs' embedded brokers aborted, by their logs. */
    long hangingAborted() {
        long aborted = 0;
        for (int run = 1; run <= launches; run++) {
            aborted += ChildJvm.count(work.resolve(String.format("run-%02d.log", run)), HANG_ABORTED);
        }
        return aborted;
    }

    /** Runs once more, unharmed, until the command ends by itself; returns its exit code. */
    int finish(final Duration timeout) throws InterruptedException {
        try (ChildJvm child = launch()) {
            final Optional<Integer> exit = child.awaitExit(timeout);
            assertThat(exit).as("the last run ended within %s\n%s", timeout, child.tail()).isPresent();
            assertThat(exit.get()).as("exit code of the last run\n%s", child.tail()).isZero();
            return exit.get();
        }
    }

    private ChildJvm launch() {
        launches++;
        return ChildJvm.start(work.resolve(String.format("run-%02d.log", launches)), runArgs.apply(launches));
    }

    private long randomMillis(final Duration max) {
        return (long) (random.nextDouble() * max.toMillis());
    }

    /** Newlines in the file: a kill can leave a torn last line, even half a UTF-8 character. */
    static long lines(final Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        try {
            final byte[] bytes = Files.readAllBytes(file);
            long count = 0;
            for (final byte b : bytes) {
                count += b == '\n' ? 1 : 0;
            }
            return count;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
