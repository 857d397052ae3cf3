package io.toolace.stream.llm;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("llm.requests", 0);
    private static final TopicPartition P1 = new TopicPartition("llm.requests", 1);

    @Test
    void commitsOnlyBelowTheOldestUnfinishedRequest() {
        final OffsetTracker tracker = new OffsetTracker();
        for (long offset = 10; offset < 15; offset++) {
            tracker.started(P0, offset);
        }
        assertThat(tracker.committable()).containsEntry(P0, new OffsetAndMetadata(10));

        // later requests finish first: nothing moves while offset 10 is still out
        tracker.finished(P0, 12);
        tracker.finished(P0, 14);
        assertThat(tracker.committable()).isEmpty();
        assertThat(tracker.inFlight()).isEqualTo(3);

        tracker.finished(P0, 10);
        assertThat(tracker.committable()).containsEntry(P0, new OffsetAndMetadata(11));
        tracker.finished(P0, 11);
        tracker.finished(P0, 13);
        assertThat(tracker.committable()).containsEntry(P0, new OffsetAndMetadata(15));
        assertThat(tracker.inFlight()).isZero();
    }

    @Test
    void partitionsAreIndependentAndARevokedOneIsForgotten() {
        final OffsetTracker tracker = new OffsetTracker();
        tracker.started(P0, 0);
        tracker.started(P1, 7);
        tracker.committable();
        tracker.finished(P1, 7);
        assertThat(tracker.committable()).containsOnlyKeys(P1).containsEntry(P1, new OffsetAndMetadata(8));

        tracker.forget(P0);
        assertThat(tracker.inFlight()).isZero();
        assertThat(tracker.committable()).isEmpty();
    }
}
