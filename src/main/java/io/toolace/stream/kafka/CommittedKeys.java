package io.toolace.stream.kafka;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows a topic from its start with {@code read_committed} and counts its committed records and, for
 * a compacted topic, its live keys (a tombstone removes one): the size of the table the topic holds,
 * e.g. the API pool, whoever wrote it and across restarts. Values are never deserialised.
 */
public final class CommittedKeys implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Set<String> keys = new HashSet<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile int size;
    private volatile long records;
    private volatile boolean running = true;

    private final boolean trackKeys;

    /** Counts live keys and records. */
    public CommittedKeys(final KafkaClientConfig client, final String topic) {
        this(client, topic, true);
    }

    /** With {@code trackKeys} false it counts records only and holds no key in memory, for an unbounded topic. */
    public CommittedKeys(final KafkaClientConfig client, final String topic, final boolean trackKeys) {
        this.trackKeys = trackKeys;
        final Properties props = client.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.thread = new Thread(this::run, "committed-keys-" + topic);
        this.thread.setDaemon(true);
    }

    public CommittedKeys start() {
        thread.start();
        return this;
    }

    /** Committed records read so far, tombstones included. */
    public long records() {
        return records;
    }

    /** Live keys read so far. */
    public int size() {
        return size;
    }

    /** Why following stopped, or null while it runs. */
    public Throwable failure() {
        return failure.get();
    }

    private void run() {
        try {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofMinutes(1)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                final var polled = consumer.poll(Duration.ofMillis(200));
                if (trackKeys) {
                    for (final ConsumerRecord<String, byte[]> record : polled) {
                        if (record.value() == null) {
                            keys.remove(record.key());
                        } else {
                            keys.add(record.key());
                        }
                    }
                }
                size = keys.size();
                records += polled.count();
            }
        } catch (final WakeupException stopping) {
            // close() woke the poll.
        } catch (final RuntimeException e) {
            failure.set(e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ZERO);
            return;
        }
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
