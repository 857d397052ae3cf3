package io.toolace.stream.cli;

import com.sun.management.OperatingSystemMXBean;
import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.CommittedKeys;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The warm-up and the measuring window of a whole-pipeline benchmark. The window opens once
 * {@code warmupSamples} are verified, the API pool has not grown for {@code poolSettle} and, if asked, the
 * JIT's C2 queue is down to {@code jitQueue} methods. A pipeline grows its pool while it makes dialogs, and
 * until the evolution is done that takes a third or more of the CPU, so a window opened earlier measures pool
 * growth as much as dialogs; until C2 has caught up ({@link JitBacklog}) it measures the JIT. Verified
 * samples are counted from {@code samples.verified} with {@code read_committed}, as a downstream consumer
 * sees them. Progress goes to {@code out} every 10 s.
 */
final class SteadyState implements AutoCloseable {

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final Duration QUEUE_EVERY = Duration.ofSeconds(5);

    /**
     * What the window saw.
     *
     * @param warmupSeconds from the pipeline's start to the window's
     * @param verifiedBefore samples verified before the window
     * @param poolBefore APIs in the pool when the window opened
     * @param seconds the window's length
     * @param verified samples verified in the window
     * @param cpuSeconds CPU time of the whole process in the window
     * @param threadsBefore CPU nanoseconds of each thread (name#id) when the window opened
     * @param threadsAfter the same when it closed
     * @param heapMbAfterGc heap after a GC at each {@code heapEvery} mark in the window
     * @param c2QueueBefore methods waiting for C2 when the window opened (-1: unknown)
     * @param c2QueueAfter the same when it closed
     * @param compileSeconds time the JIT compilers spent compiling in the window (summed over its threads)
     * @param measured the window ran its full length with no stage failed
     */
    record Window(double warmupSeconds, long verifiedBefore, long poolBefore, double seconds, long verified,
            double cpuSeconds, Map<String, Long> threadsBefore, Map<String, Long> threadsAfter,
            List<Long> heapMbAfterGc, int c2QueueBefore, int c2QueueAfter, double compileSeconds, boolean measured) {

        double verifiedPerSecond() {
            return verified / seconds;
        }

        double cpuMillisPerVerified() {
            return cpuSeconds * 1e3 / verified;
        }
    }

    private final Pipeline pipeline;
    private final PrintWriter out;
    private final long started;
    private final long deadline;
    private final CommittedKeys verified;
    private final CommittedKeys pool;
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long nextProgress;

    /** @param started when the pipeline was started ({@link System#nanoTime()}); the timeout counts from it */
    SteadyState(final Pipeline pipeline, final PrintWriter out, final long started, final Duration timeout) {
        this.pipeline = pipeline;
        this.out = out;
        this.started = started;
        this.deadline = started + timeout.toNanos();
        this.nextProgress = started + PROGRESS_EVERY.toNanos();
        this.verified = new CommittedKeys(pipeline.clientConfig(), pipeline.topics().verified.name(), false).start();
        this.pool = new CommittedKeys(pipeline.clientConfig(), pipeline.topics().pool.name()).start();
    }

    /**
     * Waits for the steady state, then measures for {@code window} (or until the timeout or a stage's failure).
     *
     * @param jitQueue the most methods that may wait for C2 when the window opens; negative not to wait for it
     * @param heapEvery how often to take the heap after a GC in the window; null for never
     */
    Window measure(final long warmupSamples, final Duration poolSettle, final int jitQueue, final Duration window,
            final Duration heapEvery) throws InterruptedException {
        long poolSize = -1;
        long poolChanged = System.nanoTime();
        // The queue is asked for now and then only: the diagnostic command writes out every waiting method.
        long c2Asked = System.nanoTime() - QUEUE_EVERY.toNanos();
        while (running()) {
            if (pool.size() != poolSize) {
                poolSize = pool.size();
                poolChanged = System.nanoTime();
            }
            if (verified.records() >= warmupSamples && System.nanoTime() - poolChanged >= poolSettle.toNanos()) {
                if (jitQueue < 0) {
                    break;
                }
                if (System.nanoTime() - c2Asked >= QUEUE_EVERY.toNanos()) {
                    c2Asked = System.nanoTime();
                    if (JitBacklog.c2Queue() <= jitQueue) {
                        break;
                    }
                }
            }
            progress();
            Thread.sleep(50);
        }
        final double warmupSeconds = (System.nanoTime() - started) / 1e9;
        final long verifiedBefore = verified.records();
        final long poolBefore = pool.size();
        final long cpuBefore = os.getProcessCpuTime();
        final int c2QueueBefore = JitBacklog.c2Queue();
        final long compileBefore = JitBacklog.compileMillis();
        final Map<String, Long> threadsBefore = BenchCommand.threadCpu();
        final long from = System.nanoTime();
        final long until = Math.min(deadline, from + window.toNanos());
        final List<Long> heap = new ArrayList<>();
        long nextHeap = heapEvery == null ? Long.MAX_VALUE : from + heapEvery.toNanos();
        while (System.nanoTime() < until && pipeline.failure() == null) {
            progress();
            if (System.nanoTime() >= nextHeap) {
                final long heapMb = HeapAfterGc.megabytes();
                heap.add(heapMb);
                out.printf("  %5.0f s  heap %d MB after GC, %.1f verified/s so far%n", (System.nanoTime() - started) / 1e9,
                        heapMb, (verified.records() - verifiedBefore) / ((System.nanoTime() - from) / 1e9));
                out.flush();
                nextHeap += heapEvery.toNanos();
            }
            Thread.sleep(50);
        }
        final double seconds = (System.nanoTime() - from) / 1e9;
        return new Window(warmupSeconds, verifiedBefore, poolBefore, seconds, verified.records() - verifiedBefore,
                (os.getProcessCpuTime() - cpuBefore) / 1e9, threadsBefore, BenchCommand.threadCpu(), List.copyOf(heap),
                c2QueueBefore, JitBacklog.c2Queue(), (JitBacklog.compileMillis() - compileBefore) / 1e3,
                pipeline.failure() == null && seconds >= window.toSeconds() * 0.99);
    }

    /** Samples verified since the start. */
    long verifiedRecords() {
        return verified.records();
    }

    /** APIs in the pool now. */
    long poolSize() {
        return pool.size();
    }

    /** Why the window closed early: a stage's failure or the timeout. */
    String stoppedBy(final Duration timeout) {
        return pipeline.failure() != null ? String.valueOf(pipeline.failure()) : "timeout " + timeout;
    }

    private boolean running() {
        return System.nanoTime() < deadline && pipeline.failure() == null;
    }

    private void progress() {
        if (System.nanoTime() >= nextProgress) {
            out.printf("  %5.0f s  verified %,d  pool %,d  C2 queue %,d%n", (System.nanoTime() - started) / 1e9,
                    verified.records(), pool.size(), JitBacklog.c2Queue());
            out.flush();
            nextProgress += PROGRESS_EVERY.toNanos();
        }
    }

    @Override
    public void close() throws InterruptedException {
        pool.close();
        verified.close();
    }
}
