package io.toolace.stream.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The identity a process's consumer-group members have across its restarts (static membership,
 * {@code group.instance.id}): a UUID made on first use of the data directory, kept in
 * {@code <dataDir>/instance.id}. Why: a member that crashed stays in its group until
 * {@code session.timeout.ms} (45 s) has passed, and a new dynamic member waits for it that long
 * before it gets a partition, every stage and the gateway alike; a static member rejoining under its
 * old id takes the dead one's place at once. Two live members must never share an id (the broker
 * fences one), so the process holds a lock on the directory while it uses it.
 */
public final class GroupInstance implements AutoCloseable {

    private static final String ID_FILE = "instance.id";
    private static final String LOCK_FILE = "instance.lock";

    private final DirectoryLock lock;
    private final String uuid;

    private GroupInstance(final DirectoryLock lock, final String uuid) {
        this.lock = lock;
        this.uuid = uuid;
    }

    /**
     * Locks {@code dataDir}'s identity for this process, making it on first use.
     *
     * @throws IllegalStateException when another process (or component of this one) holds it
     */
    public static GroupInstance acquire(final Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot create " + dataDir + ": " + e.getMessage(), e);
        }
        final DirectoryLock lock = DirectoryLock.acquire(dataDir, LOCK_FILE);
        try {
            return new GroupInstance(lock, readOrCreate(dataDir.resolve(ID_FILE)));
        } catch (final RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The {@code group.instance.id} of this process's member of {@code group}. */
    public String id(final String group) {
        return group + "-" + uuid;
    }

    private static String readOrCreate(final Path file) {
        try {
            if (Files.exists(file)) {
                final String saved = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!saved.isEmpty()) {
                    return saved;
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        final String made = UUID.randomUUID().toString();
        AtomicFile.write(file, made.getBytes(StandardCharsets.UTF_8));
        return made;
    }

    @Override
    public void close() {
        lock.close();
    }
}
