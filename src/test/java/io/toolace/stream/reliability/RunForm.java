package io.toolace.stream.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How big a reliability run is. The short form (the default, and what CI runs) keeps each test near
 * half a minute of pipeline time; {@code -Dtoolace.reliability.long=true} runs the long form, a few
 * thousand dialogs and more faults. {@code -Dtoolace.reliability.seed=N} replays the fault moments of
 * a failed run (each test prints its seed).
 *
 * @param planLimit dialogs the pipeline plans
 * @param faults process kills (crash harness) or broker stops (broker faults)
 * @param maxUptime longest time a process runs between two faults; each fault comes at a random moment in it
 * @param seed seed of the fault moments
 */
record RunForm(long planLimit, int faults, Duration maxUptime, long seed) {

    static final boolean LONG = Boolean.getBoolean("toolace.reliability.long");
    private static final long SEED = Long.getLong("toolace.reliability.seed", System.nanoTime());

    /** Partitions of the topics: two planner tasks, two of every stage, on a small machine. */
    static final int PARTITIONS = 2;

    static RunForm crashes() {
        return LONG ? new RunForm(10_000, 30, Duration.ofSeconds(15), SEED)
                : new RunForm(1_200, 8, Duration.ofSeconds(3), SEED);
    }

    /**
     * Verified samples a run killed while running may export before its kill (give or take one poll of the
     * export file): together the killed runs export about half the plan at most and end some two thirds of it
     * at most (a tenth to a quarter of the dialogs are rejected), however fast the machine, so a last run always
     * has dialogs left to end and a killed run never runs out of them first.
     */
    long exportCapPerRun() {
        return planLimit / (2L * faults);
    }

    static RunForm brokerFaults() {
        return LONG ? new RunForm(10_000, 8, Duration.ofSeconds(20), SEED)
                : new RunForm(300, 2, Duration.ofSeconds(6), SEED);
    }

    /** Arguments of {@code run} that plans this form's dialogs on {@code data} and exports to {@code export}. */
    List<String> runArgs(final Path data, final Path export, final String... more) {
        final List<String> args = new ArrayList<>(List.of("run", "--data-dir", data.toString(),
                "--out", export.toString(), "--plan-limit", Long.toString(planLimit),
                "--partitions", Integer.toString(PARTITIONS), "--max-generation", "1", "--progress-every", "PT0.5S"));
        args.addAll(List.of(more));
        return args;
    }
}
