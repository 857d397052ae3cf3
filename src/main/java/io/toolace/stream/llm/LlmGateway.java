package io.toolace.stream.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.kafka.DeadLetters;
import io.toolace.stream.kafka.GroupInstance;
import io.toolace.stream.kafka.KafkaClientConfig;
import io.toolace.stream.kafka.PoisonRecordException;
import io.toolace.stream.kafka.TopicScan;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.records.LlmCacheEntry;
import io.toolace.stream.records.LlmCall;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.LlmUsage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one component with side effects. It consumes {@code llm.requests}, keeps up to
 * {@code concurrency} requests in flight with the backend, writes each reply to the topic the request
 * names (key = correlation id), and commits offsets only below the oldest unfinished request. After a
 * crash some requests are answered again, so a reply may arrive twice: every consumer of replies drops
 * a reply for a step already taken.
 *
 * <p>Every successful answer is also written to the compacted topic {@code llm.cache} under its
 * {@link CacheKey}, and the gateway reads that topic whole before it takes requests: a request
 * answered before, by this process or an earlier run, is replied to from the cache without a backend
 * call (a retry, a crash restart, a replay). Failed replies are not cached, so asking again may
 * succeed. Each reply is accounted ({@link LlmAccounting}) and its cost written to {@code llm.usage}.
 *
 * <p>Requests are asked concurrently and may be answered in any order, except those that carry an
 * {@code orderKey}: of those with the same key only one is with the backend at a time, the others
 * wait in offset order, in a slot each (so waiting requests count against {@code concurrency} and
 * consumption pauses all the same).
 *
 * <p>All Kafka calls happen on the gateway's own thread; backends complete on theirs and hand their
 * replies over through a queue.
 */
public final class LlmGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LlmGateway.class);
    private static final Duration COMMIT_EVERY = Duration.ofMillis(100);

    private static final Duration LOAD_CACHE = Duration.ofMinutes(10);

    /** {@code cacheKey} is null for a reply that came from the cache, so it is not written back. */
    private record Done(TopicPartition partition, long offset, LlmRequest request, LlmReply reply, String cacheKey) {}

    private record Acked(TopicPartition partition, long offset) {}

    /** A decoded request that holds a slot; it is asked now or, behind others of its order key, later. */
    private record Admitted(TopicPartition partition, long offset, LlmRequest request) {}

    private final Topics topics;
    /** The reply topics of the pipeline's stages: the only topics a request may name for its reply. */
    private final Set<String> replyTopics;
    /** The name dead letters carry, as a stage's carry its application id. */
    private final String stage;
    private final LlmBackend backend;
    private final int concurrency;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Deserializer<LlmRequest> requests;
    private final Serializer<LlmReply> replies;
    private final Serializer<LlmCacheEntry> cacheEntries;
    private final Serializer<LlmCall> calls;
    private final LlmCache cache;
    private final LlmAccounting accounting;
    private final KafkaClientConfig client;
    private final OffsetTracker tracker = new OffsetTracker();
    private final LinkedBlockingDeque<Done> done = new LinkedBlockingDeque<>();
    private final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Per order key, the request being asked (head) and those waiting behind it; touched on the gateway thread. */
    private final Map<String, ArrayDeque<Admitted>> ordered = new HashMap<>();
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> backlog = new ArrayDeque<>();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param cacheEntries answers kept in memory for reuse, at most; 0 turns the cache off, as does a backend
     *     whose answers are not worth caching ({@link LlmBackend#cachesAnswers()})
     * @param prices what each model's tokens cost
     */
    public LlmGateway(final Topics topics, final LlmBackend backend, final int concurrency, final int cacheEntries,
            final PriceTable prices, final Map<String, String> clientProperties, final String bootstrapServers,
            final GroupInstance instance) {
        this.topics = topics;
        this.replyTopics = Set.of(topics.speciationReplies.name(), topics.evolutionReplies.name(),
                topics.dialogReplies.name(), topics.verifyReplies.name());
        this.stage = topics.prefix() + "gateway";
        this.backend = backend;
        this.concurrency = concurrency;
        this.requests = topics.llmRequests.sourceDeserializer();
        this.replies = topics.speciationReplies.valueSerde().serializer();
        this.cacheEntries = topics.llmCache.valueSerde().serializer();
        this.calls = topics.llmUsage.valueSerde().serializer();
        this.cache = new LlmCache(backend.cachesAnswers() ? cacheEntries : 0);
        this.accounting = new LlmAccounting(prices);
        this.client = KafkaClientConfig.of(bootstrapServers, clientProperties);
        this.consumer = new KafkaConsumer<>(consumerProperties(topics, clientProperties, bootstrapServers, concurrency,
                instance),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(producerProperties(clientProperties, bootstrapServers),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, "llm-gateway");
        Metrics.gauge("toolace.llm.inflight", inFlight);
    }

    private static Properties consumerProperties(final Topics topics, final Map<String, String> clientProperties,
            final String bootstrapServers, final int concurrency, final GroupInstance instance) {
        final Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, topics.prefix() + "gateway");
        // Static membership: restarted after a crash, the gateway takes its partitions back at once.
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance.id(topics.prefix() + "gateway"));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, concurrency));
        return props;
    }

    private static Properties producerProperties(final Map<String, String> clientProperties,
            final String bootstrapServers) {
        final Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return props;
    }

    public void start() {
        thread.start();
        LOG.info("llm gateway running: backend {} model {}, up to {} requests in flight, answers {}", backend.name(),
                backend.model(), concurrency, cache.enabled() ? "cached" : "not cached");
    }

    /** Requests answered (replies acknowledged by the broker) since start. */
    public long answered() {
        return answered.get();
    }

    public boolean healthy() {
        return thread.isAlive() && failure.get() == null;
    }

    public Throwable failure() {
        return failure.get();
    }

    /** Answers in the local cache: those read from {@code llm.cache} on start plus those paid for since. */
    public int cachedAnswers() {
        return cache.size();
    }

    private void run() {
        try {
            loadCache();
            consumer.subscribe(List.of(topics.llmRequests.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
                    commit(true);
                    partitions.forEach(tracker::forget);
                    // Not started, so not committed past: the partition's next owner asks them.
                    backlog.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
                }

                @Override
                public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {}
            });
            long lastCommit = System.nanoTime();
            while (running) {
                sendReplies();
                finishAcked();
                if (System.nanoTime() - lastCommit > COMMIT_EVERY.toNanos()) {
                    commit(false);
                    lastCommit = System.nanoTime();
                }
                dispatchBacklog();
                final boolean full = !backlog.isEmpty();
                if (full) {
                    consumer.pause(consumer.assignment());
                    // Full, nothing to fetch: wake as soon as an answer frees a slot, not after a poll timeout.
                    final Done next = done.poll(5, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        done.addFirst(next);
                    }
                } else if (!consumer.paused().isEmpty()) {
                    consumer.resume(consumer.paused());
                }
                consumer.poll(full ? Duration.ZERO : Duration.ofMillis(20)).forEach(backlog::add);
                dispatchBacklog();
            }
            sendReplies();
            producer.flush();
            finishAcked();
            commit(true);
        } catch (final WakeupException e) {
            if (running) {
                failure.set(e);
            }
        } catch (final InterruptedException e) {
            // Stopped while waiting for an answer: what is not committed is asked again after a restart.
            Thread.currentThread().interrupt();
        } catch (final RuntimeException e) {
            failure.set(e);
            LOG.error("llm gateway stopped: {}", DeadLetters.describe(e), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Reads {@code llm.cache} to its end before any request is taken, so that a restart finds every
     * answer paid for before it. Answers another gateway process pays for later are not seen here:
     * such a request is paid for once per process at most.
     */
    private void loadCache() {
        if (!cache.enabled()) {
            return;
        }
        final long started = System.nanoTime();
        final Deserializer<LlmCacheEntry> entries = topics.llmCache.valueSerde().deserializer();
        final Counter skipped = Metrics.counter("toolace.llm.cache.skipped");
        final long read = TopicScan.scan(client, topics.llmCache.name(), new ByteArrayDeserializer(), LOAD_CACHE,
                record -> {
                    if (record.key() == null || record.value() == null) {
                        return;
                    }
                    // The topic is only a cache, read again on every start: an entry it cannot use is an answer
                    // to pay for again, not a dead letter (it would be one more on each start) and not a stop.
                    final LlmCacheEntry entry;
                    try {
                        entry = entries.deserialize(record.topic(), record.headers(), record.value());
                    } catch (final RuntimeException e) {
                        skipped.increment();
                        LOG.warn("skipped unreadable {}-{}@{}: {}", record.topic(), record.partition(),
                                record.offset(), DeadLetters.describe(e));
                        return;
                    }
                    if (!LlmCache.holds(entry.getTask(), entry.getResult())) {
                        skipped.increment();
                        LOG.warn("skipped {}-{}@{}: a {} is no answer to {}", record.topic(), record.partition(),
                                record.offset(), entry.getResult().getClass().getSimpleName(), entry.getTask());
                        return;
                    }
                    cache.put(record.key(), entry);
                });
        LOG.info("llm cache: {} answers from {} records of {} in {} ms", cache.size(), read, topics.llmCache.name(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Polled records wait here for a free slot: a poll may return more than there are. */
    private void dispatchBacklog() {
        while (!backlog.isEmpty() && inFlight.get() < concurrency) {
            dispatch(backlog.poll());
        }
    }

    private void dispatch(final ConsumerRecord<byte[], byte[]> record) {
        final TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        tracker.started(partition, record.offset());
        final LlmRequest request;
        try {
            request = requests.deserialize(record.topic(), record.headers(), record.value());
        } catch (final RuntimeException e) {
            deadLetter(record, partition, e);
            return;
        }
        final String problem = problem(request);
        if (problem != null) {
            deadLetter(record, partition, new PoisonRecordException(problem));
            return;
        }
        inFlight.incrementAndGet();
        final Admitted admitted = new Admitted(partition, record.offset(), request);
        if (request.getOrderKey() != null) {
            final ArrayDeque<Admitted> line = ordered.computeIfAbsent(request.getOrderKey(), k -> new ArrayDeque<>());
            line.add(admitted);
            if (line.size() > 1) {
                return;
            }
        }
        ask(admitted);
    }

    private void ask(final Admitted admitted) {
        final LlmRequest request = admitted.request();
        final String key = cache.enabled() ? CacheKey.of(backend, request) : null;
        final LlmReply hit = key == null ? null : cache.lookup(key, request);
        if (hit != null) {
            done.add(new Done(admitted.partition(), admitted.offset(), request, hit, null));
            return;
        }
        final long started = System.nanoTime();
        backend.answer(request).whenComplete((reply, error) -> {
            final LlmReply answer = error == null ? reply : failed(request, error, started);
            done.add(new Done(admitted.partition(), admitted.offset(), request, answer, key));
        });
    }

    /** The answer to an ordered request is in: the next one of its key, if any, is asked. */
    private void askNextInOrder(final LlmRequest answered) {
        final String orderKey = answered.getOrderKey();
        if (orderKey == null) {
            return;
        }
        final ArrayDeque<Admitted> line = ordered.get(orderKey);
        line.poll();
        if (line.isEmpty()) {
            ordered.remove(orderKey);
        } else {
            ask(line.peek());
        }
    }

    /**
     * Why the request cannot be answered, or null: a reply may only go to a stage's reply topic (any other
     * name would write replies into a topic of other records, or block on a topic that does not exist), and
     * the payload must be what the task's agent reads.
     */
    private String problem(final LlmRequest request) {
        if (!replyTopics.contains(request.getReplyTopic())) {
            return "reply topic '" + request.getReplyTopic() + "' is none of the stages' reply topics "
                    + new TreeSet<>(replyTopics);
        }
        final Class<?> payload = LlmRequests.payloadType(request.getTask());
        if (!payload.isInstance(request.getPayload())) {
            return request.getTask() + " reads a " + payload.getSimpleName() + ", the request carries a "
                    + request.getPayload().getClass().getSimpleName();
        }
        return null;
    }

    private void deadLetter(final ConsumerRecord<byte[], byte[]> record, final TopicPartition partition,
            final RuntimeException reason) {
        DeadLetters.countGatewayDeadLetter();
        LOG.warn("dead-lettered {}-{}@{} in {}: {}", record.topic(), record.partition(), record.offset(), stage,
                DeadLetters.describe(reason));
        producer.send(new ProducerRecord<>(topics.dlq, null, record.key(), record.value(),
                DeadLetters.headers(stage, record.topic(), record.partition(), record.offset(), reason)),
                (metadata, error) -> acked.add(new Acked(partition, record.offset())));
    }

    private LlmReply failed(final LlmRequest request, final Throwable error, final long started) {
        return LlmReply.newBuilder()
                .setRequest(request)
                .setResult(null)
                .setError(DeadLetters.describe(error))
                .setUsage(LlmUsage.newBuilder().setBackend(backend.name()).setModel(backend.model())
                        .setLatencyMs((System.nanoTime() - started) / 1_000_000).build())
                .build();
    }

    private void sendReplies() {
        for (Done d = done.poll(); d != null; d = done.poll()) {
            // The call is over: its slot is free while the reply is being written and acknowledged.
            inFlight.decrementAndGet();
            final Done reply = d;
            askNextInOrder(reply.request());
            final byte[] key = reply.request().getCorrelationId().getBytes(StandardCharsets.UTF_8);
            final String topic = reply.request().getReplyTopic();
            final long now = System.currentTimeMillis();
            final LlmCacheEntry entry = reply.cacheKey() == null ? null : LlmCache.entryOf(reply.reply(), now);
            if (entry != null) {
                cache.put(reply.cacheKey(), entry);
                // Not in a transaction with the reply, and need not be: an entry is a pure function of its key, so
                // writing it twice (a retry, a crash before the commit) changes nothing, and an entry lost with a
                // failed write only means the answer is paid for again.
                producer.send(new ProducerRecord<>(topics.llmCache.name(),
                        reply.cacheKey().getBytes(StandardCharsets.UTF_8),
                        cacheEntries.serialize(topics.llmCache.name(), entry)), (metadata, error) -> {
                            if (error != null) {
                                LOG.warn("could not write to {}: {}", topics.llmCache.name(), error.toString());
                            }
                        });
            }
            final LlmCall call = accounting.account(reply.reply(), now);
            producer.send(new ProducerRecord<>(topics.llmUsage.name(),
                    reply.request().getId().getBytes(StandardCharsets.UTF_8),
                    calls.serialize(topics.llmUsage.name(), call)), (metadata, error) -> {
                        if (error != null) {
                            LOG.warn("could not write to {}: {}", topics.llmUsage.name(), error.toString());
                        }
                    });
            producer.send(new ProducerRecord<>(topic, key, replies.serialize(topic, reply.reply())),
                    (metadata, error) -> {
                        if (error instanceof RecordTooLargeException && reply.reply().getResult() != null) {
                            tooLarge(reply, topic, error);
                            return;
                        }
                        if (error != null) {
                            failure.compareAndSet(null, error);
                            return;
                        }
                        acked.add(new Acked(reply.partition(), reply.offset()));
                    });
        }
    }

    /**
     * An answer too large for one record still ends its request: the stage gets the request back with the
     * reason, as for a failed call, and ends the draft, seed or sample it was for. The request fitted a
     * record, and the failed reply is the request and a line more.
     */
    private void tooLarge(final Done reply, final String topic, final Exception error) {
        LOG.warn("answer to {} {} does not fit a record of {}: {}", reply.request().getTask(),
                reply.request().getCorrelationId(), topic, error.getMessage());
        inFlight.incrementAndGet();
        done.add(new Done(reply.partition(), reply.offset(), reply.request(), failed(reply.request(),
                new RecordTooLargeException("the answer does not fit a record of " + topic + ": " + error.getMessage()),
                System.nanoTime()), null));
    }

    private void finishAcked() {
        for (Acked a = acked.poll(); a != null; a = acked.poll()) {
            tracker.finished(a.partition(), a.offset());
            answered.incrementAndGet();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a reply could not be written", failure.get());
        }
    }

    private void commit(final boolean sync) {
        final var offsets = tracker.committable();
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets);
        } else {
            consumer.commitAsync(offsets, null);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        backend.close();
    }
}
