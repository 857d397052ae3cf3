package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage's producer under exactly-once on a real broker, with the settings every stage runs with: records the
 * size of a sample, written within one commit, share batches on the broker's log. At Kafka's default batch size
 * each such record was a batch of its own.
 */
class ProducerBatchingTest {

    private static final String INPUT = "dialogs";
    private static final String OUTPUT = "samples";
    private static final int INPUTS = 200;
    /** About a candidate sample before compression, and above the producer's default batch of 16 KB. */
    private static final int SAMPLE_BYTES = 20_000;

    @TempDir
    Path dir;

    /** Turns each input into a sample-sized record that LZ4 cannot shrink below the default batch. */
    private static final class Widen implements Processor<String, String, String, String> {
        private final Random random = new Random(7);
        private ProcessorContext<String, String> context;

        @Override
        public void init(final ProcessorContext<String, String> context) {
            this.context = context;
        }

        @Override
        public void process(final Record<String, String> record) {
            final byte[] noise = new byte[SAMPLE_BYTES * 3 / 4];
            random.nextBytes(noise);
            context.forward(record.withValue(record.value() + Base64.getEncoder().encodeToString(noise)));
        }
    }

    @Test
    void samplesOfOneCommitShareBatchesOnTheLog() throws Exception {
        // Given a stage with the pipeline's producer settings
        final PipelineConfig config = PipelineConfig.builder(dir).partitions(1).commitInterval(Duration.ofSeconds(1))
                .build();
        try (Pipeline broker = Pipeline.start(config, Set.of(), Duration.ofMinutes(1));
                TopicAdmin admin = TopicAdmin.create(broker.clientConfig())) {
            admin.ensure(List.of(TopicSpec.of(INPUT, 1, (short) 1), TopicSpec.of(OUTPUT, 1, (short) 1)),
                    Duration.ofSeconds(30));
            try (OneStage widener = OneStage.start(broker, config, dir, "widener", () -> {
                final Topology topology = new Topology();
                topology.addSource("inputs", Serdes.String().deserializer(), Serdes.String().deserializer(), INPUT);
                topology.addProcessor("widen", Widen::new, "inputs");
                topology.addSink("outputs", OUTPUT, Serdes.String().serializer(), Serdes.String().serializer(),
                        "widen");
                return topology;
            })) {
                // When 200 inputs arrive at once and each becomes a 20 KB record
                OneStage.send(broker, INPUT, IntStream.range(0, INPUTS).mapToObj(i -> "d" + i).toList());
                final List<ConsumerRecord<String, byte[]>> written = OneStage.await(broker, OUTPUT,
                        r -> r.size() == INPUTS);
                assertThat(widener.failure()).isNull();
                assertThat(written).hasSize(INPUTS);
                assertThat(written.get(0).value().length).isGreaterThan(SAMPLE_BYTES);

                // Then the log holds them in a few batches, not one batch per record
                final int batches = dataBatches(dir.resolve("kafka").resolve("logs").resolve(OUTPUT + "-0"));
                assertThat(batches).as("batches of records in %s", OUTPUT).isPositive().isLessThan(INPUTS / 5);
            }
        }
    }

    /** The batches of records in a partition's log segments; a transaction's commit markers are not counted. */
    private static int dataBatches(final Path partition) throws IOException {
        int batches = 0;
        try (Stream<Path> files = Files.list(partition)) {
            for (final Path segment : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                try (FileRecords records = FileRecords.open(segment.toFile())) {
                    for (final RecordBatch batch : records.batches()) {
                        batches += batch.isControlBatch() ? 0 : 1;
                    }
                }
            }
        }
        return batches;
    }
}
