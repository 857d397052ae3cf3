package io.toolace.stream.llm;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets the gateway may commit: per partition, everything below the oldest request still in
 * flight. Requests finish out of order; committing past an unfinished one would lose it in a crash.
 * Used from the gateway's poll thread only.
 */
final class OffsetTracker {

    private static final class PartitionState {
        final TreeSet<Long> pending = new TreeSet<>();
        long next = -1;
        long committed = -1;
    }

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

    void started(final TopicPartition partition, final long offset) {
        final PartitionState state = partitions.computeIfAbsent(partition, p -> new PartitionState());
        state.pending.add(offset);
        state.next = Math.max(state.next, offset + 1);
    }

    void finished(final TopicPartition partition, final long offset) {
        final PartitionState state = partitions.get(partition);
        if (state != null) {
            state.pending.remove(offset);
        }
    }

    int inFlight() {
        int total = 0;
        for (final PartitionState state : partitions.values()) {
            total += state.pending.size();
        }
        return total;
    }

    /** Offsets that moved since the last call and may now be committed. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        final Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (final Map.Entry<TopicPartition, PartitionState> entry : partitions.entrySet()) {
            final PartitionState state = entry.getValue();
            final long upTo = state.pending.isEmpty() ? state.next : state.pending.first();
            if (upTo > state.committed && upTo >= 0) {
                out.put(entry.getKey(), new OffsetAndMetadata(upTo));
                state.committed = upTo;
            }
        }
        return out;
    }

    void forget(final TopicPartition partition) {
        partitions.remove(partition);
    }
}
