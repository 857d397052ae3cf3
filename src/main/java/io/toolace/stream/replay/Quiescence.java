package io.toolace.stream.replay;

import io.toolace.stream.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Whether consumer groups have consumed every committed record of their input topics. Lag from the
 * offsets alone is not enough: a topic written in transactions ends in commit markers, which occupy
 * offsets no consumer ever commits past when no record follows them. So where a group's committed offset
 * is behind the end, the records between are read (read_committed): a gap of markers only is no lag.
 */
final class Quiescence implements AutoCloseable {

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;

    Quiescence(final KafkaClientConfig client) {
        this.admin = Admin.create(client.clientProperties());
        final Properties props = client.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** True when {@code group} has committed past every committed record of {@code topics}. */
    boolean caughtUp(final String group, final Collection<String> topics) throws InterruptedException {
        final Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        } catch (final ExecutionException e) {
            throw new IllegalStateException("cannot read the offsets of group " + group + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
        final List<TopicPartition> partitions = new ArrayList<>();
        for (final String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        final List<TopicPartition> behind = new ArrayList<>();
        for (final TopicPartition partition : partitions) {
            final OffsetAndMetadata offset = committed.get(partition);
            if ((offset == null ? 0 : offset.offset()) < ends.get(partition)) {
                behind.add(partition);
            }
        }
        if (behind.isEmpty()) {
            return true;
        }
        consumer.assign(behind);
        for (final TopicPartition partition : behind) {
            final OffsetAndMetadata offset = committed.get(partition);
            consumer.seek(partition, offset == null ? 0 : offset.offset());
        }
        while (behind.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
            for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close();
        admin.close();
    }
}
