package io.toolace.stream.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * Operations per CPU-second of the measuring thread, in rounds. On a shared machine other processes take
 * the core away for part of each wall second, which a wall-clock rate counts against the code and this
 * one does not (cache and memory-bandwidth contention still count).
 */
public final class CpuTimeRate {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Operations between two reads of the thread's CPU time, which is a system call. */
    private static final int BATCH = 64;
    private static volatile long sink;

    private CpuTimeRate() {}

    /**
     * The rates of {@code rounds} rounds of about {@code cpuSeconds} each, after {@code warmupRounds} rounds
     * that are not counted (the JIT compiles the workload meanwhile).
     *
     * @param workload operation number to a result, which is kept so the JIT cannot drop the work
     */
    public static Rates measure(final IntUnaryOperator workload, final int warmupRounds, final int rounds, final double cpuSeconds) {
        if (rounds < 1 || !(cpuSeconds > 0)) {
            throw new IllegalArgumentException("rounds and cpuSeconds must be positive");
        }
        for (int r = 0; r < warmupRounds; r++) {
            round(workload, cpuSeconds);
        }
        final double[] perCpu = new double[rounds];
        final double[] perWall = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            final double[] rate = round(workload, cpuSeconds);
            perCpu[r] = rate[0];
            perWall[r] = rate[1];
        }
        Arrays.sort(perCpu);
        Arrays.sort(perWall);
        return new Rates(perCpu, perWall);
    }

    /** One round: {per CPU-second, per wall second}. */
    private static double[] round(final IntUnaryOperator workload, final double cpuSeconds) {
        final long budget = (long) (cpuSeconds * 1e9);
        final long cpu0 = THREADS.getCurrentThreadCpuTime();
        final long wall0 = System.nanoTime();
        long ops = 0;
        long acc = 0;
        long cpu;
        do {
            for (int k = 0; k < BATCH; k++) {
                acc += workload.applyAsInt((int) (ops++ & Integer.MAX_VALUE));
            }
            cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        } while (cpu < budget);
        final long wall = System.nanoTime() - wall0;
        sink += acc;
        return new double[] {ops / (cpu / 1e9), ops / (wall / 1e9)};
    }

    /**
     * The rates of the counted rounds, each sorted ascending.
     *
     * @param perCpu operations per CPU-second of the measuring thread
     * @param perWall operations per wall-clock second
     */
    public record Rates(double[] perCpu, double[] perWall) {

        public double min() {
            return perCpu[0];
        }

        public double median() {
            return median(perCpu);
        }

        public double max() {
            return perCpu[perCpu.length - 1];
        }

        public double medianPerWallSecond() {
            return median(perWall);
        }

        private static double median(final double[] sorted) {
            final int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }
}
