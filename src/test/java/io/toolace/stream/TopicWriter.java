package io.toolace.stream;

import io.toolace.stream.kafka.KafkaClientConfig;
import io.toolace.stream.kafka.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes records to a topic with its real serdes, as a producer outside the pipeline would. */
public final class TopicWriter {

    private TopicWriter() {}

    /** Each value under its key, in order (keys may repeat); returns once the broker has acknowledged them all. */
    public static <V> void send(final KafkaClientConfig client, final Topics.Topic<V> topic,
            final Function<V, String> key, final List<V> values) {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(client.clientProperties(),
                new StringSerializer(), topic.valueSerde().serializer())) {
            final List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (final V value : values) {
                sent.add(producer.send(new ProducerRecord<>(topic.name(), key.apply(value), value)));
            }
            for (final Future<RecordMetadata> ack : sent) {
                ack.get();
            }
        } catch (final ExecutionException e) {
            throw new IllegalStateException("a record for " + topic.name() + " was not written", e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + topic.name(), e);
        }
    }
}
