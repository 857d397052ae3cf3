package io.toolace.stream.kafka;

import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What a stage does when its stream thread dies. A transaction the broker ended under the thread (the coordinator
 * timed it out and aborted it on an overloaded broker, so the commit finds it in another state) is the broker's
 * doing, not the stage's: a new thread with a new producer epoch picks up from the last committed offsets, and
 * exactly-once holds. One 30-minute benchmark on a starved machine lost its planner to such an
 * {@code InvalidTxnStateException}. Anything else, or more than {@code limit} of these within {@code window},
 * is a broken stage and shuts the client down, so it is a failed process, never a silent loop.
 */
final class ThreadReplacement {

    private final String stage;
    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Deque<Long> recent = new ArrayDeque<>();

    ThreadReplacement(final String stage, final int limit, final Duration window, final LongSupplier nanoTime) {
        this.stage = stage;
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
    }

    synchronized StreamThreadExceptionResponse respond(final Throwable error) {
        if (!transactionLost(error)) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        final long now = nanoTime.getAsLong();
        while (!recent.isEmpty() && now - recent.peekFirst() > windowNanos) {
            recent.removeFirst();
        }
        if (recent.size() >= limit) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        recent.addLast(now);
        Metrics.counter("toolace.stage.threads.replaced", "stage", stage).increment();
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    static boolean transactionLost(final Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof InvalidTxnStateException || cause instanceof InvalidProducerEpochException
                    || cause instanceof ProducerFencedException || cause instanceof TransactionAbortedException) {
                return true;
            }
        }
        return false;
    }
}
