package io.toolace.stream;

import io.toolace.stream.kafka.KafkaClientConfig;
import io.toolace.stream.kafka.TopicScan;
import io.toolace.stream.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads a whole topic as it stands, committed transactions only, through the real deserializers. */
public final class TopicReader {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TopicReader() {}

    public static <V> List<ConsumerRecord<String, V>> readAll(final KafkaClientConfig client,
            final Topics.Topic<V> topic) {
        final List<ConsumerRecord<String, V>> records = new ArrayList<>();
        TopicScan.scan(client, topic.name(), topic.valueSerde().deserializer(), TIMEOUT, records::add);
        return records;
    }

    /** The values of the records that deserialize, skipping those that do not (poison a test wrote there). */
    public static <V> List<V> readDecodable(final KafkaClientConfig client, final Topics.Topic<V> topic) {
        final Deserializer<V> values = topic.valueSerde().deserializer();
        final List<V> decoded = new ArrayList<>();
        for (final ConsumerRecord<String, byte[]> record : readRaw(client, topic.name())) {
            try {
                final V value = values.deserialize(record.topic(), record.headers(), record.value());
                if (value != null) {
                    decoded.add(value);
                }
            } catch (final SerializationException notARecord) {
                // not one of the topic's records: skipped
            }
        }
        return decoded;
    }

    public static List<ConsumerRecord<String, byte[]>> readRaw(final KafkaClientConfig client, final String topic) {
        final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        TopicScan.scan(client, topic, new ByteArrayDeserializer(), TIMEOUT, records::add);
        return records;
    }
}
