package io.toolace.stream.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT/SIGTERM) as a signal the command's main thread waits for. The JVM halts once its
 * shutdown hooks return, so the hook waits until the main thread has closed the pipeline: stages
 * commit, the broker stops cleanly, and the next start finds a clean data directory.
 */
final class ShutdownSignal implements AutoCloseable {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onShutdown, "toolace-shutdown");

    ShutdownSignal() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void onShutdown() {
        requested.countDown();
        try {
            closed.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code timeout}; true when a shutdown was requested. */
    boolean await(final Duration timeout) throws InterruptedException {
        return requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void await() throws InterruptedException {
        requested.await();
    }

    /** Called once everything is closed: lets a pending shutdown proceed, or unregisters the hook. */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (final IllegalStateException shuttingDown) {
            // The JVM is already stopping (Ctrl-C): the hook is running and now returns.
        }
    }
}
