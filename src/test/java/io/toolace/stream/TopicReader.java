package io.toolace.stream;

import io.toolace.stream.kafka.KafkaClientConfig;
import io.toolace.stream.kafka.TopicScan;
import io.toolace.stream.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

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

    public static List<ConsumerRecord<String, byte[]>> readRaw(final KafkaClientConfig client, final String topic) {
        final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        TopicScan.scan(client, topic, new ByteArrayDeserializer(), TIMEOUT, records::add);
        return records;
    }
}
