package io.toolace.stream.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exclusive use of a directory by one component (the embedded broker, the embedded registry) until
 * closed: within this JVM by a set of directories in use, across processes by a file lock. The
 * set comes first because a file lock cannot tell two users in one JVM apart, and because on Linux
 * closing any second channel to the lock file would silently drop the first one's lock.
 */
public final class DirectoryLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);
    private static final Set<Path> IN_USE = ConcurrentHashMap.newKeySet();

    private final Path lockFile;
    private final FileChannel channel;
    private final AtomicBoolean released = new AtomicBoolean();

    private DirectoryLock(final Path lockFile, final FileChannel channel) {
        this.lockFile = lockFile;
        this.channel = channel;
    }

    /**
     * Locks {@code directory} (which must exist) through the file {@code lockFileName} in it.
     *
     * @throws IllegalStateException when this process or another already holds the lock
     */
    public static DirectoryLock acquire(final Path directory, final String lockFileName) {
        final Path lockFile = realPath(directory).resolve(lockFileName);
        if (!IN_USE.add(lockFile)) {
            throw new IllegalStateException("Data directory " + directory + " is in use by another component of"
                    + " this process (it holds " + lockFile + ")");
        }
        try {
            final FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() == null) {
                channel.close();
                throw new IllegalStateException("Data directory " + directory + " is in use by another process"
                        + " (it holds a lock on " + lockFile + ")");
            }
            return new DirectoryLock(lockFile, channel);
        } catch (final IOException e) {
            IN_USE.remove(lockFile);
            throw new UncheckedIOException("Cannot lock " + lockFile + ": " + e.getMessage(), e);
        } catch (final RuntimeException e) {
            IN_USE.remove(lockFile);
            throw e;
        }
    }

    /** Releases the lock; later calls do nothing. */
    @Override
    public void close() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (final IOException e) {
            LOG.warn("Cannot release the lock {}: {}", lockFile, e.getMessage());
        } finally {
            IN_USE.remove(lockFile);
        }
    }

    private static Path realPath(final Path directory) {
        try {
            return directory.toRealPath();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot resolve " + directory + ": " + e.getMessage(), e);
        }
    }
}
