package io.toolace.stream;

import io.toolace.stream.kafka.KafkaClientConfig;
import io.toolace.stream.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic as it stands, committed transactions only, through the real deserializers. */
public final class TopicReader {

    private TopicReader() {}

    public static <V> List<ConsumerRecord<String, V>> readAll(final KafkaClientConfig client,
            final Topics.Topic<V> topic) {
        return readAll(client, topic.name(), topic.valueSerde().deserializer());
    }

    public static List<ConsumerRecord<String, byte[]>> readRaw(final KafkaClientConfig client, final String topic) {
        return readAll(client, topic, new ByteArrayDeserializer());
    }

    private static <V> List<ConsumerRecord<String, V>> readAll(final KafkaClientConfig client, final String topic,
            final Deserializer<V> values) {
        final Properties props = client.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            final List<ConsumerRecord<String, V>> records = new ArrayList<>();
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
