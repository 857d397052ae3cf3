package io.toolace.stream.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.records.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a sample topic to a JSONL file exactly once across restarts. After each batch the file is
 * forced to disk and a checkpoint beside it records the file length and the next offset per
 * partition; on start the file is cut back to the checkpointed length and reading resumes at the
 * checkpointed offsets, so a crash between the two writes neither loses nor repeats a line. A file
 * shorter than its checkpoint (replaced or cut by hand) is written again from the topic's start.
 * It reads with {@code read_committed}: only samples of committed transactions are exported.
 */
public final class SampleExporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SampleExporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, Sample> consumer;
    private final String topic;
    private final Path out;
    private final Path checkpoint;
    private final Function<Sample, String> format;
    private final AtomicLong written = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    /** Callers of {@link #drain} waiting for the file to reach the topic's end as it was when they called. */
    private final Queue<CompletableFuture<Void>> drains = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    /** Set before the pending drains are failed, so that a drain arriving later fails at once. */
    private volatile boolean exited;
    private FileChannel file;
    private Map<TopicPartition, Long> positions = new HashMap<>();

    public SampleExporter(final KafkaClientConfig client, final Topics.Topic<Sample> topic, final Path out,
            final Function<Sample, String> format) {
        final Properties props = client.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), topic.valueSerde().deserializer());
        this.topic = topic.name();
        this.out = out;
        this.checkpoint = out.resolveSibling(out.getFileName() + ".checkpoint");
        this.format = format;
        this.thread = new Thread(this::run, "sample-exporter");
    }

    public void start() {
        try {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            file = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            restore();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot open " + out + ": " + e.getMessage(), e);
        }
        thread.start();
    }

    /** Lines in the file, those of earlier runs included. */
    public long written() {
        return written.get();
    }

    public Throwable failure() {
        return failure.get();
    }

    /**
     * Waits until every sample committed to the topic before this call is in the file (and its
     * checkpoint), however far behind the export is.
     *
     * @throws IllegalStateException when the export stopped with a failure first
     * @throws TimeoutException when {@code timeout} passes first
     */
    public void drain(final Duration timeout) throws InterruptedException, TimeoutException {
        final CompletableFuture<Void> drained = new CompletableFuture<>();
        drains.add(drained);
        if (exited) {
            drained.completeExceptionally(new IllegalStateException("export to " + out + " is not running",
                    failure.get()));
        }
        try {
            drained.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("export to " + out + " stopped: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private void restore() throws IOException {
        final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
        consumer.assign(partitions);
        final JsonNode saved = Files.exists(checkpoint) ? JSON.readTree(checkpoint.toFile()) : null;
        if (saved != null && file.size() < saved.get("bytes").asLong()) {
            LOG.warn("{} is shorter than its checkpoint says ({} < {} bytes): writing it again from the start of {}",
                    out, file.size(), saved.get("bytes").asLong(), topic);
        }
        if (saved != null && file.size() >= saved.get("bytes").asLong()) {
            file.truncate(saved.get("bytes").asLong());
            written.set(saved.get("lines").asLong());
            saved.get("offsets").fields().forEachRemaining(e -> positions.put(
                    new TopicPartition(topic, Integer.parseInt(e.getKey())), e.getValue().asLong()));
        } else {
            file.truncate(0);
        }
        for (final TopicPartition partition : partitions) {
            final Long position = positions.get(partition);
            if (position == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, position);
            }
        }
        file.position(file.size());
        LOG.info("exporting {} to {} from line {}", topic, out, written.get() + 1);
    }

    private void run() {
        final List<CompletableFuture<Void>> draining = new ArrayList<>();
        Map<TopicPartition, Long> drainTo = null;
        try {
            while (running) {
                final ConsumerRecords<String, Sample> records = consumer.poll(Duration.ofMillis(100));
                write(records);
                if (drainTo == null && (!drains.isEmpty() || !draining.isEmpty())) {
                    for (CompletableFuture<Void> drain = drains.poll(); drain != null; drain = drains.poll()) {
                        draining.add(drain);
                    }
                    drainTo = ends();
                }
                if (drainTo != null && reached(drainTo)) {
                    draining.forEach(drain -> drain.complete(null));
                    draining.clear();
                    drainTo = null;
                }
            }
        } catch (final IOException e) {
            failure.set(e);
            LOG.error("export to {} stopped: {}", out, e.getMessage());
        } catch (final RuntimeException e) {
            failure.set(e);
            LOG.error("export to {} stopped: {}", out, DeadLetters.describe(e), e);
        } finally {
            consumer.close();
            exited = true;
            final IllegalStateException stopped = new IllegalStateException("export to " + out + " stopped",
                    failure.get());
            draining.forEach(drain -> drain.completeExceptionally(stopped));
            drains.forEach(drain -> drain.completeExceptionally(stopped));
        }
    }

    /**
     * The topic's end now (a read_committed consumer's end offsets are the last stable offsets), or null
     * while the broker cannot say: the next round asks again.
     */
    private Map<TopicPartition, Long> ends() {
        try {
            return consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(5));
        } catch (final org.apache.kafka.common.errors.TimeoutException brokerAway) {
            return null;
        }
    }

    private boolean reached(final Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }

    private void write(final ConsumerRecords<String, Sample> records) throws IOException {
        if (records.isEmpty()) {
            return;
        }
        final StringBuilder lines = new StringBuilder();
        long count = 0;
        for (final ConsumerRecord<String, Sample> record : records) {
            lines.append(format.apply(record.value())).append('\n');
            count++;
            positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
        }
        final ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            file.write(bytes);
        }
        file.force(false);
        written.addAndGet(count);
        saveCheckpoint();
    }

    private void saveCheckpoint() throws IOException {
        final ObjectNode saved = JSON.createObjectNode();
        saved.put("bytes", file.size());
        saved.put("lines", written.get());
        final ObjectNode offsets = saved.putObject("offsets");
        positions.forEach((partition, offset) -> offsets.put(Integer.toString(partition.partition()), offset));
        AtomicFile.write(checkpoint, JSON.writeValueAsBytes(saved));
    }

    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (file != null) {
                file.close();
            }
        } catch (final IOException e) {
            LOG.warn("closing {}: {}", out, e.getMessage());
        }
    }
}
