package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    @Test
    void aSecondBrokerOnADirectoryInUseFailsClearlyAndLeavesTheFirstRunning() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir);
             TopicAdmin admin = TopicAdmin.create(KafkaClientConfig.of(kafka.bootstrapServers()))) {
            assertThatThrownBy(() -> EmbeddedKafka.start(dataDir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Data directory " + dataDir.resolve("kafka") + " is in use");

            admin.ensure(List.of(TopicSpec.of("still.up", 1, (short) 1)), Duration.ofSeconds(30));
            produce(kafka.bootstrapServers(), "still.up", List.of("yes"));
            assertThat(consumeAll(kafka.bootstrapServers(), "still.up", 1)).containsExactly("yes");
        }
    }

    @Test
    void aDirectoryLockedByAnotherProcessIsRefusedBeforeKafkaTouchesIt() throws Exception {
        // Given another JVM holding the lock, as a second `run` on the same data directory would
        final Path kafkaDir = Files.createDirectories(dataDir.resolve("kafka"));
        final Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldLock.class.getName(),
                kafkaDir.resolve("embedded.lock").toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("locked");

            // Then
            assertThatThrownBy(() -> EmbeddedKafka.start(dataDir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is in use by another process");
            assertThat(kafkaDir.resolve("logs").resolve("meta.properties")).doesNotExist();
        } finally {
            holder.destroy();
            holder.waitFor();
        }

        // And once it is gone the directory is usable
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
            assertThat(kafka.clusterId()).isNotBlank();
        }
    }

    /** Holds a file lock until killed. */
    public static final class HoldLock {
        public static void main(final String[] args) throws Exception {
            try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                System.out.println("locked");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
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
