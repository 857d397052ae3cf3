package io.toolace.stream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics idempotently and reports on them.
 *
 * <p>{@link #ensure} creates what is missing and leaves existing topics alone (their configs are
 * the operator's business), except that a partition count other than the spec's is an error: keys
 * would land in other partitions than the stages' co-partitioned topics and state stores expect.
 */
public final class TopicAdmin implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    private static final long RETRY_BACKOFF_MS = 100;
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaClientConfig config;
    private final Admin admin;

    private TopicAdmin(final KafkaClientConfig config, final Admin admin) {
        this.config = config;
        this.admin = admin;
    }

    public static TopicAdmin create(final KafkaClientConfig config) {
        return new TopicAdmin(config, Admin.create(config.clientProperties()));
    }

    /**
     * Creates the topics that do not exist yet and waits until every partition of every spec has a
     * leader that serves it, so producers and Streams can use them at once.
     *
     * @return the names of the topics this call created, in spec order
     * @throws IllegalStateException when an existing topic's partition count differs from its spec
     *     (all such topics are named), or a topic cannot be created
     * @throws TimeoutException when the topics are not ready in time
     */
    public List<String> ensure(final Collection<TopicSpec> specs, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final Map<String, TopicSpec> byName = new LinkedHashMap<>();
        for (final TopicSpec spec : specs) {
            final TopicSpec earlier = byName.putIfAbsent(spec.name(), spec);
            if (earlier != null && !earlier.equals(spec)) {
                throw new IllegalArgumentException("Two different specs for topic " + spec.name() + ": " + earlier + " and " + spec);
            }
        }
        final Set<String> existing = await(admin.listTopics().names(), deadline, "list topics");
        final List<NewTopic> missing = byName.values().stream()
                .filter(spec -> !existing.contains(spec.name()))
                .map(spec -> new NewTopic(spec.name(), spec.partitions(), spec.replication()).configs(spec.configs()))
                .toList();
        final List<String> created = new ArrayList<>();
        if (!missing.isEmpty()) {
            final Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
            for (final NewTopic topic : missing) {
                try {
                    await(results.get(topic.name()), deadline, "create topic " + topic.name());
                    created.add(topic.name());
                } catch (final TopicExistsException e) {
                    // Another process created it since we listed; its partition count is checked below like any other.
                    LOG.debug("Topic {} was created concurrently", topic.name());
                }
            }
        }
        awaitLeaders(byName, deadline);
        awaitLeadersServing(byName, deadline);
        LOG.info("Topics ready: {} created {}, {} already existed", created.size(), created, byName.size() - created.size());
        return created;
    }

    /** Every topic that is not internal to Kafka, sorted by name. */
    public List<TopicInfo> describe() {
        final long deadline = System.nanoTime() + DESCRIBE_TIMEOUT.toNanos();
        return describe(await(admin.listTopics().names(), deadline, "list topics"));
    }

    /**
     * The named topics, sorted by name.
     *
     * @throws UnknownTopicOrPartitionException naming every topic that does not exist
     */
    public List<TopicInfo> describe(final Collection<String> topics) {
        final long deadline = System.nanoTime() + DESCRIBE_TIMEOUT.toNanos();
        final Set<String> names = new TreeSet<>(topics);
        if (names.isEmpty()) {
            return List.of();
        }
        final Set<String> existing = await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names(),
                deadline, "list topics");
        final List<String> missing = names.stream().filter(name -> !existing.contains(name)).toList();
        if (!missing.isEmpty()) {
            throw new UnknownTopicOrPartitionException("No such topics: " + missing);
        }
        final Map<String, TopicDescription> descriptions =
                await(admin.describeTopics(names).allTopicNames(), deadline, "describe topics " + names);

        final List<ConfigResource> resources = names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        final Map<ConfigResource, Config> configs =
                await(admin.describeConfigs(resources).all(), deadline, "describe topic configs");

        final List<TopicPartition> partitions = descriptions.values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .toList();
        final Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(partitions, OffsetSpec.earliest(), deadline);
        final Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest(), deadline);
        final Map<String, Long> spans = new HashMap<>();
        for (final TopicPartition partition : partitions) {
            spans.merge(partition.topic(), ends.get(partition).offset() - starts.get(partition).offset(), Long::sum);
        }

        return names.stream().map(name -> {
            final ConfigEntry policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)).get(TopicSpec.CLEANUP_POLICY);
            return new TopicInfo(name, descriptions.get(name).partitions().size(),
                    policy == null ? "" : policy.value(), spans.getOrDefault(name, 0L));
        }).toList();
    }

    /**
     * Reads the topic from the beginning to its last stable offset as a read_committed consumer and
     * counts the records: exact where {@link TopicInfo#offsetSpan()} is an upper bound, at the cost
     * of fetching the whole topic.
     */
    public long countCommitted(final String topic, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final Properties props = config.clientProperties();
        props.put("isolation.level", IsolationLevel.READ_COMMITTED.toString());
        props.put("enable.auto.commit", "false");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = partitionsOf(consumer, topic, deadline);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // A read_committed consumer's end offsets are the last stable offsets.
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, remaining(deadline));
            long count = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p, remaining(deadline)) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Counting records of " + topic + " timed out");
                }
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(RETRY_BACKOFF_MS));
                for (final TopicPartition partition : records.partitions()) {
                    // Records past the end offsets taken above were written after the count began.
                    count += records.records(partition).stream().filter(r -> r.offset() < ends.get(partition)).count();
                }
            }
            return count;
        }
    }

    private static List<TopicPartition> partitionsOf(
            final KafkaConsumer<?, ?> consumer, final String topic, final long deadline) {
        final List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, remaining(deadline));
        } catch (final UnknownTopicOrPartitionException e) {
            throw new UnknownTopicOrPartitionException("Topic " + topic + " does not exist", e);
        }
        if (infos.isEmpty()) {
            throw new UnknownTopicOrPartitionException("Topic " + topic + " does not exist");
        }
        return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }

    private void awaitLeaders(final Map<String, TopicSpec> specs, final long deadline) {
        while (true) {
            final Map<String, TopicDescription> descriptions;
            try {
                descriptions = await(admin.describeTopics(specs.keySet()).allTopicNames(), deadline, "describe topics");
            } catch (final UnknownTopicOrPartitionException e) {
                // Created on the controller but not yet in this broker's metadata.
                sleepUntilRetry(deadline, "topics " + specs.keySet() + " to appear");
                continue;
            }
            final List<String> mismatches = specs.values().stream()
                    .filter(spec -> descriptions.get(spec.name()).partitions().size() != spec.partitions())
                    .map(spec -> spec.name() + " has " + descriptions.get(spec.name()).partitions().size()
                            + " partitions, its spec " + spec.partitions())
                    .toList();
            if (!mismatches.isEmpty()) {
                final String found = specs.values().stream()
                        .filter(spec -> descriptions.get(spec.name()).partitions().size() != spec.partitions())
                        .map(spec -> Integer.toString(descriptions.get(spec.name()).partitions().size()))
                        .distinct().collect(Collectors.joining(" or "));
                throw new IllegalStateException("Existing topics do not match their specs: they were created with "
                        + found + " partitions; pass --partitions " + found + " (or TOOLACE_PARTITIONS) to use them, or"
                        + " delete them: " + String.join("; ", mismatches));
            }
            final boolean ready = descriptions.values().stream()
                    .flatMap(d -> d.partitions().stream())
                    .map(TopicPartitionInfo::leader)
                    .allMatch(leader -> leader != null && !leader.isEmpty());
            if (ready) {
                return;
            }
            sleepUntilRetry(deadline, "leaders of topics " + specs.keySet());
        }
    }

    /**
     * The metadata names a new partition's leader a moment before that broker serves it. A first produce in
     * that moment is refused, and an idempotent producer whose next batch lands first then retries the refused
     * one until it expires, losing its records (KAFKA-15591). A list-offsets request is served by the leader
     * itself, and the admin client retries it while the leader refuses, so once it answers for every partition
     * the leaders take writes.
     */
    private void awaitLeadersServing(final Map<String, TopicSpec> specs, final long deadline) {
        final List<TopicPartition> partitions = specs.values().stream()
                .flatMap(spec -> IntStream.range(0, spec.partitions())
                        .mapToObj(partition -> new TopicPartition(spec.name(), partition)))
                .toList();
        offsets(partitions, OffsetSpec.latest(), deadline);
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(
            final List<TopicPartition> partitions, final OffsetSpec spec, final long deadline) {
        final Map<TopicPartition, OffsetSpec> request =
                partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec));
        // read_committed: the latest offset is the last stable offset, so open transactions are not counted.
        return await(admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all(),
                deadline, "list offsets");
    }

    /** Waits for an admin result, unwrapping the Kafka exception so callers can catch it by type. */
    private static <T> T await(final KafkaFuture<T> future, final long deadline, final String what) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException || e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException("Cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (final java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("Timed out waiting to " + what);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to " + what, e);
        }
    }

    private static void sleepUntilRetry(final long deadline, final String what) {
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_BACKOFF_MS) > deadline) {
            throw new TimeoutException("Timed out waiting for " + what);
        }
        try {
            Thread.sleep(RETRY_BACKOFF_MS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + what, e);
        }
    }

    private static Duration remaining(final long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
