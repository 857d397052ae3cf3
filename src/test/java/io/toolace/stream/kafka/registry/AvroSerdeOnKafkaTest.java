package io.toolace.stream.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolace.stream.kafka.EmbeddedKafka;
import io.toolace.stream.kafka.KafkaClientConfig;
import io.toolace.stream.kafka.TopicAdmin;
import io.toolace.stream.kafka.TopicSpec;
import io.toolace.stream.records.LlmRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AvroSerdeOnKafkaTest {

    private static final String TOPIC = "llm.requests";

    @TempDir
    Path dataDir;

    @Test
    void recordsProducedWithTheSerdeReadBackAfterARegistryRestartAndPoisonFailsWithItsOffset() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
            final KafkaClientConfig config = KafkaClientConfig.of(kafka.bootstrapServers());
            try (TopicAdmin admin = TopicAdmin.create(config)) {
                admin.ensure(List.of(TopicSpec.of(TOPIC, 1, (short) 1)), Duration.ofSeconds(30));
            }
            final List<LlmRequest> sent = List.of(
                    TestRecords.request("r-1", TestRecords.draft("d-1", 2)),
                    TestRecords.request("r-2", TestRecords.seed("s-1")),
                    TestRecords.request("r-3", TestRecords.draft("d-2", 0)));

            // Given records written through the serde, then one that is not
            try (EmbeddedRegistry registry = EmbeddedRegistry.start(dataDir);
                 KafkaProducer<String, LlmRequest> producer = new KafkaProducer<>(config.clientProperties(),
                         new StringSerializer(), AvroSerde.forValues(LlmRequest.class, new RegistryClient(registry.url())))) {
                for (final LlmRequest request : sent) {
                    producer.send(new ProducerRecord<>(TOPIC, request.getCorrelationId(), request)).get();
                }
            }
            try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(config.clientProperties(),
                    new StringSerializer(), new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(TOPIC, "poison", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8))).get();
            }

            // When a fresh registry process and a fresh client read them
            try (EmbeddedRegistry registry = EmbeddedRegistry.start(dataDir);
                 KafkaConsumer<String, LlmRequest> consumer = new KafkaConsumer<>(consumerProperties(config),
                         new StringDeserializer(), AvroSerde.forValues(LlmRequest.class, new RegistryClient(registry.url())))) {
                consumer.subscribe(List.of(TOPIC));
                final List<LlmRequest> received = new ArrayList<>();
                final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (received.size() < sent.size() && System.nanoTime() < deadline) {
                    for (final ConsumerRecord<String, LlmRequest> record : consumer.poll(Duration.ofMillis(200))) {
                        received.add(record.value());
                    }
                }

                // Then
                assertThat(received).containsExactlyElementsOf(sent);
                assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                        .isInstanceOfSatisfying(RecordDeserializationException.class,
                                e -> assertThat(e.offset()).isEqualTo(sent.size()))
                        .cause()
                        .isInstanceOf(SerializationException.class)
                        .hasMessageContaining("magic byte 0x7b");
            }
        }
    }

    private static Properties consumerProperties(final KafkaClientConfig config) {
        final Properties props = config.consumer("serde-reader");
        props.put("auto.offset.reset", "earliest");
        return props;
    }
}
