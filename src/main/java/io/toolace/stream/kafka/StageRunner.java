package io.toolace.stream.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stage as a Kafka Streams application with exactly-once v2. Start waits until RUNNING or
 * fails with a clear message; an uncaught error shuts the client down, so a broken stage is a failed
 * process, never a silent zombie, unless the broker ended the thread's transaction ({@link ThreadReplacement}).
 */
public final class StageRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);
    private static final String STATE_METRICS = "stream-state-metrics";
    private static final String ESTIMATE_NUM_KEYS = "estimate-num-keys";
    /**
     * Record cache of a stage's stores that are built {@code withCachingEnabled()}: a key written many times
     * between two commits (a dialog's step, the planner's counters, a sample waiting for its judges) reaches
     * RocksDB and the changelog once per commit instead of once per write, and a key written and deleted
     * within one commit reaches them as one tombstone. Under exactly-once the cache is flushed before every
     * commit, so what a restarted task restores is what the committed transaction wrote.
     */
    static final long STORE_CACHE_BYTES = 8L << 20;
    /**
     * How long a stage's producer holds a batch open: Kafka Streams' own default under exactly-once. A record is
     * readable only once its transaction commits, and every commit flushes the producer, so holding a batch up
     * to a commit interval delays nothing downstream; it fills the batch.
     */
    static final int PRODUCER_LINGER_MS = 100;
    /**
     * A stage's producer batch, over the 16 KB default: a candidate or verified sample is about 20 KB before
     * compression, so at the default every sample was a batch of its own, each allocating LZ4's 64 KB block
     * buffer and hashing a frame header (37% of all allocation, 4% of the CPU of an inline run). Half of the
     * broker's default {@code message.max.bytes} leaves room for the estimate of the compressed size to be off.
     */
    static final int PRODUCER_BATCH_BYTES = 512 * 1024;

    private final Stage stage;
    private final Properties properties;
    private final ThreadReplacement replacement;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch settled = new CountDownLatch(1);
    private final List<Gauge> storeSizes = new ArrayList<>();
    /** Replaced once if the local state does not open at start ({@link #start}). */
    private volatile KafkaStreams streams;
    /** Set while a client whose state did not open is closed, so that its shutdown does not count as settled. */
    private volatile boolean wiping;

    public StageRunner(final Stage stage, final PipelineConfig config, final String bootstrapServers,
            final String dlqTopic, final GroupInstance instance) {
        this.stage = stage;
        this.properties = properties(stage, config, bootstrapServers, dlqTopic, instance);
        this.replacement = new ThreadReplacement(stage.name(), 3, Duration.ofMinutes(10), System::nanoTime);
        final Topology topology = stage.buildTopology();
        this.streams = client(topology);
        for (final String store : storeNames(topology)) {
            storeSizes.add(Gauge.builder("toolace.store.entries", this, runner -> runner.entries(store))
                    .description("approximate entries of a stage's state store; NaN while no local task holds it")
                    .tags("stage", stage.name(), "store", store).register(Metrics.globalRegistry));
        }
    }

    private KafkaStreams client(final Topology topology) {
        final KafkaStreams client = new KafkaStreams(topology, properties);
        client.setUncaughtExceptionHandler(error -> {
            final StreamThreadExceptionResponse response = replacement.respond(error);
            if (response == StreamThreadExceptionResponse.REPLACE_THREAD) {
                LOG.warn("stage {}: the broker ended its transaction ({}); a new stream thread takes over from the last"
                        + " commit", stage.name(), DeadLetters.describe(error));
                return response;
            }
            failure.compareAndSet(null, error);
            LOG.error("stage {} failed: {}", stage.name(), DeadLetters.describe(error), error);
            return response;
        });
        client.setStateListener((now, before) -> {
            if (!wiping && (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.ERROR
                    || now == KafkaStreams.State.PENDING_SHUTDOWN)) {
                settled.countDown();
            }
        });
        return client;
    }

    private static Set<String> storeNames(final Topology topology) {
        return TopologyNodes.of(topology).filter(TopologyDescription.Processor.class::isInstance)
                .flatMap(node -> ((TopologyDescription.Processor) node).stores().stream())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Entries of a state store over this stage's local tasks, as RocksDB estimates them (Streams' {@code
     * estimate-num-keys}, summed over a window store's segments too); NaN while no task holds the store.
     */
    private double entries(final String store) {
        double entries = 0;
        boolean found = false;
        for (final Metric metric : streams.metrics().values()) {
            final MetricName name = metric.metricName();
            if (ESTIMATE_NUM_KEYS.equals(name.name()) && STATE_METRICS.equals(name.group())
                    && name.tags().entrySet().stream()
                            .anyMatch(tag -> tag.getKey().endsWith("-state-id") && tag.getValue().equals(store))
                    && metric.metricValue() instanceof Number keys) {
                entries += keys.doubleValue();
                found = true;
            }
        }
        return found ? entries : Double.NaN;
    }

    /** Streams settings of a stage; public so tests and the bench build the same configuration. */
    public static Properties properties(final Stage stage, final PipelineConfig config, final String bootstrapServers,
            final String dlqTopic, final GroupInstance instance) {
        final Properties props = new Properties();
        props.putAll(config.clientProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.topicPrefix() + stage.name());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(config.dataDir()).toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replication());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        // Only stores built withCachingEnabled() use it: those whose keys change many times between commits.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, STORE_CACHE_BYTES);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, dlqTopic);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.class);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Static membership: restarted after a crash, the stage takes its tasks back at once (Streams adds
        // the thread index to the id).
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                instance.id(config.topicPrefix() + stage.name()));
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), PRODUCER_LINGER_MS);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return props;
    }

    public static Path stateDir(final Path dataDir) {
        return dataDir.resolve("streams");
    }

    public String name() {
        return stage.name();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Starts the stage without waiting; {@link #awaitRunning} waits. Kafka Streams opens the local stores of the
     * tasks it finds on disk before it starts, and a store it cannot open fails the start. A process killed while
     * Streams was wiping a store after an earlier crash leaves one such (a write-ahead log without the files that
     * name it), and the process would stop there. So a store that does not open costs this stage's
     * local state once: it is deleted, and Streams restores it from the changelog topics, where the committed
     * state is. A second failure is the operator's to see.
     */
    public void start() {
        try {
            streams.start();
        } catch (final ProcessorStateException unopened) {
            LOG.warn("stage {}: its local state did not open ({}); deleting it, the stage restores it from the"
                    + " changelog topics", stage.name(), DeadLetters.describe(unopened));
            wiping = true;
            streams.close(Duration.ofSeconds(30));
            streams = client(stage.buildTopology());
            wiping = false;
            streams.cleanUp();
            streams.start();
        }
    }

    /**
     * Waits until RUNNING (state restored, tasks assigned); throws with the reason if it fails or
     * times out first.
     */
    public void awaitRunning(final Duration timeout) throws InterruptedException {
        if (!settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("stage " + stage.name() + " not RUNNING after " + timeout
                    + " (state " + streams.state() + ")");
        }
        if (!healthy()) {
            throw new IllegalStateException("stage " + stage.name() + " failed to start: "
                    + (failure.get() == null ? streams.state() : DeadLetters.describe(failure.get())));
        }
        LOG.info("stage {} running", stage.name());
    }

    /** The error that stopped the stage, if one did. */
    public Throwable failure() {
        return failure.get();
    }

    public boolean healthy() {
        final KafkaStreams.State state = streams.state();
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    @Override
    public void close() {
        // Another runner of the same stage in this JVM (a test, a restart) registers its own.
        storeSizes.forEach(Metrics.globalRegistry::remove);
        streams.close(Duration.ofSeconds(30));
    }
}
