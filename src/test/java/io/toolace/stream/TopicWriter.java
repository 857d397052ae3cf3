package io.toolace.stream;

import io.toolace.stream.kafka.KafkaClientConfig;
import io.toolace.stream.kafka.Topics;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes records to a topic with its real serdes, as a producer outside the pipeline would. */
public final class TopicWriter {

    private TopicWriter() {}

    /** Each value under its key, in order (keys may repeat); returns once the broker has acknowledged them all. */
    public static <V> void send(final KafkaClientConfig client, final Topics.Topic<V> topic,
            final Function<V, String> key, final List<V> values) {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(client.clientProperties(),
                new StringSerializer(), topic.valueSerde().serializer())) {
            values.forEach(value -> producer.send(new ProducerRecord<>(topic.name(), key.apply(value), value)));
        }
    }
}
