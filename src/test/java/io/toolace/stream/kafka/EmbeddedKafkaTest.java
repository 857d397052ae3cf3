package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    @TempDir
    Path dataDir;

    @Test
    void restartOnTheSameDirectoryKeepsClusterTopicsAndRecordsEvenWhenTheOldPortIsTaken() throws Exception {
        // Given a broker that received records
        final String clusterId;
        final int firstPort;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir);
             TopicAdmin admin = TopicAdmin.create(KafkaClientConfig.of(kafka.bootstrapServers()))) {
            admin.ensure(List.of(TopicSpec.of("words", 2, (short) 1)), Duration.ofSeconds(30));
            produce(kafka.bootstrapServers(), "words", List.of("alpha", "beta", "gamma"));
            clusterId = kafka.clusterId();
            firstPort = port(kafka.bootstrapServers());
        }

        // When it restarts on the same directory while another process holds its old port
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), firstPort));
            try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
                // Then it is the same cluster on a new port, and the records are all there
                assertThat(kafka.clusterId()).isEqualTo(clusterId);
                assertThat(port(kafka.bootstrapServers())).isNotEqualTo(firstPort);
                assertThat(consumeAll(kafka.bootstrapServers(), "words", 3)).containsExactlyInAnyOrder("alpha", "beta", "gamma");
            }
        }
    }

    @Test
    void twoBrokersOnDifferentDirectoriesRunSideBySide(@TempDir final Path otherDir) throws Exception {
        try (EmbeddedKafka first = EmbeddedKafka.start(dataDir);
             EmbeddedKafka second = EmbeddedKafka.start(otherDir)) {
            assertThat(first.clusterId()).isNotEqualTo(second.clusterId());
            assertThat(first.bootstrapServers()).isNotEqualTo(second.bootstrapServers());
            for (final EmbeddedKafka kafka : List.of(first, second)) {
                try (TopicAdmin admin = TopicAdmin.create(KafkaClientConfig.of(kafka.bootstrapServers()))) {
                    admin.ensure(List.of(TopicSpec.of("own", 1, (short) 1)), Duration.ofSeconds(30));
                }
            }
            produce(first.bootstrapServers(), "own", List.of("first"));
            produce(second.bootstrapServers(), "own", List.of("second"));
            assertThat(consumeAll(first.bootstrapServers(), "own", 1)).containsExactly("first");
            assertThat(consumeAll(second.bootstrapServers(), "own", 1)).containsExactly("second");

            // Closing twice (say, by the caller and by a shutdown hook) is harmless.
            second.close();
            second.close();
        }
    }

    private static int port(final String bootstrapServers) {
        return Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
    }

    static void produce(final String bootstrapServers, final String topic, final List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                KafkaClientConfig.of(bootstrapServers).clientProperties(), new StringSerializer(), new StringSerializer())) {
            for (final String value : values) {
                producer.send(new ProducerRecord<>(topic, value, value)).get();
            }
        }
    }

    static List<String> consumeAll(final String bootstrapServers, final String topic, final int expected) {
        final Properties props = KafkaClientConfig.of(bootstrapServers).consumer("reader-" + System.nanoTime());
        props.put("auto.offset.reset", "earliest");
        final List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
