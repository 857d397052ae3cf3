package io.toolace.stream.dialog;

import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Sample;
import java.util.Optional;
import java.util.Set;
import io.toolace.stream.kafka.Topics;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * The ledger of finished dialog tasks. An outcome goes to the partition of the planner task that
 * planned the dialog, so that task's count of dialogs in flight goes down (backpressure).
 */
public final class Outcomes {

    /** Writes an outcome to its planner's partition, whatever the key's hash says. */
    public static final StreamPartitioner<String, DialogOutcome> TO_PLANNER =
            new StreamPartitioner<>() {
                @Override
                public Optional<Set<Integer>> partitions(final String topic, final String key,
                        final DialogOutcome value, final int numPartitions) {
                    return Optional.of(Set.of(Math.floorMod(value.getPlannerPartition(), numPartitions)));
                }
            };

    private Outcomes() {}

    /** Adds the sink that writes outcomes to their planners' partitions, fed by the named processors. */
    public static void addSink(final Topology topology, final Topics topics, final String node,
            final String... parents) {
        topology.addSink(node, topics.outcomes.name(), topics.outcomes.keySerde().serializer(),
                topics.outcomes.valueSerde().serializer(), TO_PLANNER, parents);
    }

    public static String key(final DialogOutcome outcome) {
        return Integer.toString(outcome.getPlannerPartition());
    }

    public static DialogOutcome of(final Sample sample, final OutcomeStatus status, final String reason) {
        return DialogOutcome.newBuilder()
                .setDialogId(sample.getDialogId())
                .setPlannerPartition(sample.getPlannerPartition())
                .setStatus(status)
                .setSampleId(sample.getId())
                .setDialogType(sample.getDialogType())
                .setRules(Samples.failedRules(sample))
                .setFaults(sample.getFaults())
                .setReason(reason)
                .build();
    }
}
