package io.toolace.stream.replay;

import io.toolace.stream.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Copies a range of a topic, committed records only, into another topic of as many partitions: each
 * record keeps its partition, key, value bytes (so the registry's schema id too), headers and timestamp,
 * so the stage that reads the copy sees what the original stage saw. The range is per partition: from the
 * first record at or after {@code from} to the last before {@code to}, or to the partition's end as it
 * is when the copy starts.
 */
final class RangeCopy {

    private RangeCopy() {}

    /** Copies the range and returns the records copied per source partition. */
    static Map<Integer, Long> copy(final KafkaClientConfig client, final String source, final String target,
            final ReplayPosition from, final ReplayPosition to, final Duration timeout) {
        final Properties consumerProps = client.clientProperties();
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A start that retention has deleted begins at the earliest record left.
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        final Properties producerProps = client.clientProperties();
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        final Map<Integer, Long> copied = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(source, timeout).stream()
                    .map(p -> new TopicPartition(source, p.partition())).collect(Collectors.toList());
            final int targetPartitions = producer.partitionsFor(target).size();
            if (targetPartitions != partitions.size()) {
                throw new IllegalStateException(target + " has " + targetPartitions + " partitions, " + source
                        + " has " + partitions.size() + ": a replay keeps every record in its partition");
            }
            // read_committed: the end offsets are the last stable offsets, so an open transaction is not waited for.
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            final Map<TopicPartition, Long> stops = bound(consumer, partitions, to, ends, timeout);
            final Map<TopicPartition, Long> starts = bound(consumer, partitions, from, ends, timeout);
            consumer.assign(partitions);
            for (final TopicPartition partition : partitions) {
                consumer.seek(partition, starts.get(partition));
                copied.put(partition.partition(), 0L);
            }
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < stops.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not copy the range of " + source + " within " + timeout);
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    final TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= stops.get(partition)) {
                        continue;
                    }
                    producer.send(new ProducerRecord<>(target, record.partition(), record.timestamp(), record.key(),
                            record.value(), record.headers()));
                    copied.merge(record.partition(), 1L, Long::sum);
                }
            }
            producer.flush();
        }
        return copied;
    }

    /** Per partition, the offset a position stands for, never beyond the partition's end; null is the end. */
    private static Map<TopicPartition, Long> bound(final KafkaConsumer<byte[], byte[]> consumer,
            final List<TopicPartition> partitions, final ReplayPosition position, final Map<TopicPartition, Long> ends,
            final Duration timeout) {
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        if (position == null) {
            offsets.putAll(ends);
        } else if (position instanceof ReplayPosition.Offset offset) {
            partitions.forEach(p -> offsets.put(p, Math.min(offset.offset(), ends.get(p))));
        } else {
            final long millis = ((ReplayPosition.Time) position).instant().toEpochMilli();
            final Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> millis)), timeout);
            // No record at or after the time: the range starts (or stops) at the end.
            partitions.forEach(p -> offsets.put(p, found.get(p) == null ? ends.get(p)
                    : Math.min(found.get(p).offset(), ends.get(p))));
        }
        return offsets;
    }
}
