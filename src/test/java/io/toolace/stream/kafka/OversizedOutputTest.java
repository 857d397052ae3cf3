package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage whose output is too large for a record, under exactly-once on a real broker: the input that
 * made it is dead-lettered with the reason and the stage goes on with the next record.
 */
class OversizedOutputTest {

    /** Larger than the producer's default max.request.size (1 MiB). */
    private static final int OVERSIZED = 2 * 1024 * 1024;
    private static final String INPUT = "seed-texts";

    @TempDir
    Path dir;

    /** Makes a seed document of each text, blown up past the request size when the text says so. */
    private static final class Seeder implements Processor<String, String, String, SeedDocument> {
        private ProcessorContext<String, SeedDocument> context;

        @Override
        public void init(final ProcessorContext<String, SeedDocument> context) {
            this.context = context;
        }

        @Override
        public void process(final Record<String, String> record) {
            final String text = record.value().equals("blow-up") ? "x".repeat(OVERSIZED) : record.value();
            context.forward(record.withValue(SeedDocument.newBuilder().setId(record.key()).setTitle(record.key())
                    .setKind(SeedKind.TEXT).setText(text).build()));
        }
    }

    @Test
    void anOutputTooLargeToSendDeadLettersItsInputAndTheStageGoesOn() throws Exception {
        final PipelineConfig config = PipelineConfig.builder(dir).partitions(1).build();
        try (Pipeline broker = Pipeline.start(config, Set.of(), Duration.ofMinutes(1));
                TopicAdmin admin = TopicAdmin.create(broker.clientConfig())) {
            admin.ensure(List.of(TopicSpec.of(INPUT, 1, (short) 1)), Duration.ofSeconds(30));
            final Topics.Topic<SeedDocument> seeds = broker.topics().seeds;
            try (OneStage seeder = OneStage.start(broker, config, dir, "seeder", () -> {
                final Topology topology = new Topology();
                topology.addSource("texts", Serdes.String().deserializer(), Serdes.String().deserializer(), INPUT);
                topology.addProcessor("seeder", Seeder::new, "texts");
                return seeds.addSink(topology, "to-seeds", "seeder");
            })) {
                // Given three inputs, the second of which makes an output over the request size
                OneStage.send(broker, INPUT, List.of("before", "blow-up", "after"));

                // When the stage has read them all
                final List<ConsumerRecord<String, byte[]>> out = OneStage.await(broker, seeds.name(),
                        r -> r.size() >= 2);

                // Then the others went through, the stage still runs, and the input is in the DLQ with the reason
                assertThat(out).extracting(ConsumerRecord::key).containsExactly("before", "after");
                assertThat(seeder.failure()).isNull();
                final List<ConsumerRecord<String, byte[]>> dead = OneStage.await(broker, broker.topics().dlq,
                        r -> !r.isEmpty());
                assertThat(dead).hasSize(1);
                assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("blow-up");
                assertThat(header(dead.get(0), "__streams.errors.exception"))
                        .isEqualTo("org.apache.kafka.common.errors.SerializationException");
                assertThat(header(dead.get(0), "__streams.errors.message")).contains("record limit");
                assertThat(header(dead.get(0), DeadLetters.HEADER_STAGE)).isEqualTo(config.topicPrefix() + "seeder");
                assertThat(header(dead.get(0), "__streams.errors.topic")).isEqualTo(INPUT);
            }
        }
    }

    private static String header(final ConsumerRecord<String, byte[]> record, final String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
