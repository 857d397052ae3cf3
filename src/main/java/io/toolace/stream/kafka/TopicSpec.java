package io.toolace.stream.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A topic as the pipeline wants it: name, partition count, replication factor and topic configs
 * (e.g. {@code cleanup.policy}). {@link TopicAdmin#ensure} creates it when missing.
 */
public record TopicSpec(String name, int partitions, short replication, Map<String, String> configs) {

    public static final String CLEANUP_POLICY = "cleanup.policy";

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, not " + partitions);
        }
        if (replication < 1) {
            throw new IllegalArgumentException("topic " + name + ": replication must be at least 1, not " + replication);
        }
        configs = Map.copyOf(configs);
    }

    /** A topic with the broker's default configs (delete policy, the broker's retention). */
    public static TopicSpec of(final String name, final int partitions, final short replication) {
        return new TopicSpec(name, partitions, replication, Map.of());
    }

    /** A compacted topic: the latest record per key is kept forever, as for a table such as {@code api.pool}. */
    public static TopicSpec compacted(final String name, final int partitions, final short replication) {
        return new TopicSpec(name, partitions, replication, Map.of(CLEANUP_POLICY, "compact"));
    }

    /** This spec with one more topic config (or a changed one). */
    public TopicSpec withConfig(final String key, final String value) {
        final Map<String, String> merged = new HashMap<>(configs);
        merged.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new TopicSpec(name, partitions, replication, merged);
    }
}
