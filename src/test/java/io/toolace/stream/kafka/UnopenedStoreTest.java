package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
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
 * A stage restarted on a store that RocksDB cannot open, as a process SIGKILLed while Kafka Streams wiped the
 * store leaves it (seen in the crash harness: a write-ahead log file without the CURRENT file that names the
 * database), starts, and holds the committed state again: Kafka Streams fails its own start on such a store.
 */
class UnopenedStoreTest {

    private static final String INPUT = "counted";
    private static final String OUTPUT = "counts";
    private static final String STORE = "count";

    @TempDir
    Path dir;

    /** Counts every input under one key and writes each new count out. */
    private static final class Counter implements Processor<String, String, String, Long> {
        private KeyValueStore<String, Long> counts;
        private ProcessorContext<String, Long> context;

        @Override
        public void init(final ProcessorContext<String, Long> context) {
            this.context = context;
            counts = context.getStateStore(STORE);
        }

        @Override
        public void process(final Record<String, String> record) {
            final Long seen = counts.get("inputs");
            final long now = seen == null ? 1 : seen + 1;
            counts.put("inputs", now);
            context.forward(record.withKey("inputs").withValue(now));
        }
    }

    @Test
    void aStoreLeftHalfWipedByACrashIsRestoredFromItsChangelog() throws Exception {
        final PipelineConfig config = PipelineConfig.builder(dir).partitions(1).build();
        final Supplier<Topology> topology = () -> {
            final Topology counting = new Topology();
            counting.addSource("inputs", Serdes.String().deserializer(), Serdes.String().deserializer(), INPUT);
            counting.addProcessor("counter", Counter::new, "inputs");
            counting.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                    Serdes.String(), Serdes.Long()), "counter");
            counting.addSink("out", OUTPUT, Serdes.String().serializer(), Serdes.Long().serializer(), "counter");
            return counting;
        };
        try (Pipeline broker = Pipeline.start(config, Set.of(), Duration.ofMinutes(1));
                TopicAdmin admin = TopicAdmin.create(broker.clientConfig())) {
            admin.ensure(List.of(TopicSpec.of(INPUT, 1, (short) 1), TopicSpec.of(OUTPUT, 1, (short) 1)),
                    Duration.ofSeconds(30));
            // Given a stage that counted 100 inputs and stopped
            try (OneStage counter = OneStage.start(broker, config, dir, "counter", topology)) {
                OneStage.send(broker, INPUT, inputs(0, 100));
                assertThat(last(OneStage.await(broker, OUTPUT, r -> last(r) == 100))).isEqualTo(100);
            }
            // and its store left as a kill in the middle of a wipe leaves it
            final Path store = StageRunner.stateDir(dir).resolve(config.topicPrefix() + "counter")
                    .resolve("0_0").resolve("rocksdb").resolve(STORE);
            halfWipe(store);

            // When the stage starts again on it and counts 50 more inputs
            try (OneStage counter = OneStage.start(broker, config, dir, "counter", topology)) {
                OneStage.send(broker, INPUT, inputs(100, 150));

                // Then it runs, and counts on from the committed 100, which it restored from the changelog
                assertThat(last(OneStage.await(broker, OUTPUT, r -> last(r) == 150))).isEqualTo(150);
                assertThat(counter.failure()).isNull();
            }
        }
    }

    /** Deletes the file that names the database and keeps a write-ahead log, which RocksDB then refuses. */
    private static void halfWipe(final Path store) throws IOException {
        Files.delete(store.resolve("CURRENT"));
        try (Stream<Path> files = Files.list(store)) {
            if (files.noneMatch(file -> file.getFileName().toString().endsWith(".log")
                    && !file.getFileName().toString().startsWith("LOG"))) {
                Files.createFile(store.resolve("000017.log"));
            }
        }
    }

    private static List<String> inputs(final int from, final int to) {
        return IntStream.range(from, to).mapToObj(i -> "v" + i).toList();
    }

    /** The count the topic's last record holds, or -1 while it is empty. */
    private static long last(final List<ConsumerRecord<String, byte[]>> counts) {
        return counts.isEmpty() ? -1 : ByteBuffer.wrap(counts.get(counts.size() - 1).value()).getLong();
    }
}
