package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicAdminTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;

    private static EmbeddedKafka kafka;
    private static TopicAdmin admin;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(dataDir);
        admin = TopicAdmin.create(KafkaClientConfig.of(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        kafka.close();
    }

    @Test
    void ensureCreatesWhatIsMissingAndLeavesExistingTopicsAlone() {
        // Given
        final List<TopicSpec> specs = List.of(
                TopicSpec.of("ensure.events", 3, (short) 1),
                TopicSpec.compacted("ensure.table", 2, (short) 1).withConfig("min.cleanable.dirty.ratio", "0.1"));

        // When
        final List<String> first = admin.ensure(specs, TIMEOUT);
        final List<String> second = admin.ensure(specs, TIMEOUT);

        // Then
        assertThat(first).containsExactly("ensure.events", "ensure.table");
        assertThat(second).isEmpty();
        assertThat(admin.describe(List.of("ensure.table", "ensure.events"))).containsExactly(
                new TopicInfo("ensure.events", 3, "delete", 0),
                new TopicInfo("ensure.table", 2, "compact", 0));
        assertThat(admin.describe()).extracting(TopicInfo::name).contains("ensure.events", "ensure.table")
                .noneMatch(name -> name.startsWith("__"));
    }

    /**
     * A partition's leader is named in the metadata a moment before the broker takes writes for it. A first
     * produce in that moment is refused, and an idempotent producer whose later batch lands first then retries
     * the refused one until it expires (KAFKA-15591): its records are lost. A producer that never retries
     * shows the moment as a failed send.
     */
    @Test
    void everyPartitionTakesWritesOnceEnsureReturns() throws Exception {
        final List<TopicSpec> specs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            specs.add(TopicSpec.of("writable." + i, 4, (short) 1));
        }
        admin.ensure(specs, TIMEOUT);

        final Properties props = KafkaClientConfig.of(kafka.bootstrapServers()).clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.RETRIES_CONFIG, 0);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        final List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (final TopicSpec spec : specs) {
                for (int partition = 0; partition < spec.partitions(); partition++) {
                    sent.add(producer.send(new ProducerRecord<>(spec.name(), partition, "k", "v")));
                }
            }
            producer.flush();
        }
        for (final Future<RecordMetadata> ack : sent) {
            assertThat(ack.get().offset()).isZero();
        }
    }

    @Test
    void aPartitionCountOtherThanTheSpecsIsReportedByTopic() {
        admin.ensure(List.of(TopicSpec.of("mismatch.a", 2, (short) 1), TopicSpec.of("mismatch.b", 1, (short) 1)), TIMEOUT);

        assertThatThrownBy(() -> admin.ensure(List.of(
                TopicSpec.of("mismatch.a", 4, (short) 1), TopicSpec.of("mismatch.b", 1, (short) 1)), TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mismatch.a has 2 partitions, its spec 4")
                .hasMessageContaining("pass --partitions 2")
                .hasMessageNotContaining("mismatch.b has");
    }

    @Test
    void offsetSpanIncludesTransactionMarkersAndAbortedRecordsWhileCountCommittedIsExact() {
        // Given three committed transactions of two records and one aborted transaction of two records
        admin.ensure(List.of(TopicSpec.of("tx.records", 1, (short) 1)), TIMEOUT);
        final Properties props = KafkaClientConfig.of(kafka.bootstrapServers()).clientProperties();
        props.put("transactional.id", "topic-admin-test");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            for (int tx = 0; tx < 4; tx++) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx.records", "k" + tx, "a"));
                producer.send(new ProducerRecord<>("tx.records", "k" + tx, "b"));
                if (tx < 3) {
                    producer.commitTransaction();
                } else {
                    producer.flush(); // else abort drops the unsent records and they take no offsets
                    producer.abortTransaction();
                }
            }
        }

        // Then each transaction took its records' offsets plus one for its marker (markers are written
        // after commit and abort return, so the span reaches its final value a moment later)
        final long expectedSpan = 4L * (2 + 1);
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long span;
        do {
            span = admin.describe(List.of("tx.records")).get(0).offsetSpan();
        } while (span < expectedSpan && System.nanoTime() < deadline);
        assertThat(span).isEqualTo(expectedSpan);
        assertThat(admin.countCommitted("tx.records", TIMEOUT)).isEqualTo(6);
    }

    @Test
    void describingAMissingTopicFailsWithItsName() {
        assertThatThrownBy(() -> admin.describe(List.of("no.such.topic", "no.other.topic")))
                .hasMessageContaining("no.such.topic").hasMessageContaining("no.other.topic");
        assertThatThrownBy(() -> admin.countCommitted("no.such.topic", TIMEOUT))
                .hasMessageContaining("no.such.topic");
    }
}
