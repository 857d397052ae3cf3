package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage's cached store under exactly-once on a real broker, with the settings every stage runs with: a key
 * written once per input reaches the changelog about once per commit, and the last write is what it holds.
 * The planner's counters, a dialog's step and a sample waiting for its judges are such keys.
 */
class StoreCacheTest {

    private static final String INPUT = "counted";
    private static final String STORE = "counts";
    private static final int INPUTS = 500;

    @TempDir
    Path dir;

    /** Counts every input under one key, as the planner counts ended dialogs. */
    private static final class Counter implements Processor<String, String, Void, Void> {
        private KeyValueStore<String, Long> counts;

        @Override
        public void init(final ProcessorContext<Void, Void> context) {
            counts = context.getStateStore(STORE);
        }

        @Override
        public void process(final Record<String, String> record) {
            final Long seen = counts.get("inputs");
            counts.put("inputs", seen == null ? 1 : seen + 1);
        }
    }

    @Test
    void aKeyWrittenOncePerInputReachesTheChangelogOncePerCommit() throws Exception {
        // Given a stage whose commits are seconds apart, so that a burst of inputs falls within one or two
        final PipelineConfig config = PipelineConfig.builder(dir).partitions(1).commitInterval(Duration.ofSeconds(3))
                .build();
        try (Pipeline broker = Pipeline.start(config, Set.of(), Duration.ofMinutes(1));
                TopicAdmin admin = TopicAdmin.create(broker.clientConfig())) {
            admin.ensure(List.of(TopicSpec.of(INPUT, 1, (short) 1)), Duration.ofSeconds(30));
            try (OneStage counter = OneStage.start(broker, config, dir, "counter", () -> {
                final Topology topology = new Topology();
                topology.addSource("inputs", Serdes.String().deserializer(), Serdes.String().deserializer(), INPUT);
                topology.addProcessor("counter", Counter::new, "inputs");
                topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                        Serdes.String(), Serdes.Long()).withCachingEnabled(), "counter");
                return topology;
            })) {
                // When 500 inputs arrive at once
                OneStage.send(broker, INPUT, IntStream.range(0, INPUTS).mapToObj(i -> "v" + i).toList());

                // Then the changelog's committed records end at the count, and there are a handful of them, not 500
                final String changelog = config.topicPrefix() + "counter-" + STORE + "-changelog";
                final List<ConsumerRecord<String, byte[]>> writes = OneStage.await(broker, changelog,
                        r -> !r.isEmpty() && last(r) == INPUTS);
                assertThat(counter.failure()).isNull();
                assertThat(writes).as("records in %s", changelog).isNotEmpty();
                assertThat(last(writes)).isEqualTo(INPUTS);
                assertThat(writes.size()).as("records in %s", changelog).isLessThan(INPUTS / 10);
            }
        }
    }

    /** The count the changelog's last record holds. */
    private static long last(final List<ConsumerRecord<String, byte[]>> changelog) {
        return ByteBuffer.wrap(changelog.get(changelog.size() - 1).value()).getLong();
    }
}
