package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import io.toolace.stream.TopicReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
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
            final Stage counter = new Stage() {
                @Override
                public String name() {
                    return "counter";
                }

                @Override
                public Topology buildTopology() {
                    final Topology topology = new Topology();
                    topology.addSource("inputs", Serdes.String().deserializer(), Serdes.String().deserializer(), INPUT);
                    topology.addProcessor("counter", Counter::new, "inputs");
                    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                            Serdes.String(), Serdes.Long()).withCachingEnabled(), "counter");
                    return topology;
                }
            };
            try (GroupInstance instance = GroupInstance.acquire(dir.resolve("counter"));
                    StageRunner runner = new StageRunner(counter, config, broker.bootstrapServers(),
                            broker.topics().dlq, instance)) {
                runner.start();
                runner.awaitRunning(Duration.ofMinutes(1));

                // When 500 inputs arrive at once
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                        broker.clientConfig().clientProperties(), new StringSerializer(), new StringSerializer())) {
                    for (int i = 0; i < INPUTS; i++) {
                        producer.send(new ProducerRecord<>(INPUT, "k" + i, "v" + i));
                    }
                }

                // Then the changelog's committed records end at the count, and there are a handful of them, not 500
                final String changelog = config.topicPrefix() + "counter-" + STORE + "-changelog";
                final List<ConsumerRecord<String, byte[]>> writes = awaitCount(broker, changelog, INPUTS);
                assertThat(runner.failure()).isNull();
                assertThat(ByteBuffer.wrap(writes.get(writes.size() - 1).value()).getLong()).isEqualTo(INPUTS);
                assertThat(writes.size()).as("records in %s", changelog).isLessThan(INPUTS / 10);
            }
        }
    }

    /** The changelog's records once the last of them holds {@code count}; fails with what it saw on timeout. */
    private static List<ConsumerRecord<String, byte[]>> awaitCount(final Pipeline broker, final String changelog,
            final long count) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        List<ConsumerRecord<String, byte[]>> records = List.of();
        while (System.nanoTime() < deadline) {
            records = TopicReader.readRaw(broker.clientConfig(), changelog);
            if (!records.isEmpty() && ByteBuffer.wrap(records.get(records.size() - 1).value()).getLong() == count) {
                return records;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the changelog " + changelog + " never held " + count + "; it has " + records.size()
                + " records");
    }
}
