package io.toolace.stream.kafka;

import io.toolace.stream.Pipeline;
import io.toolace.stream.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

/**
 * A test's own topology run as a pipeline stage on an embedded broker: the same {@link StageRunner}, so the
 * same settings (exactly-once, commit interval, store cache, dead-letter handlers) as every stage of {@code run}.
 */
final class OneStage implements AutoCloseable {

    private final GroupInstance instance;
    private final StageRunner runner;

    private OneStage(final GroupInstance instance, final StageRunner runner) {
        this.instance = instance;
        this.runner = runner;
    }

    /** Starts the stage {@code name} with the topology {@code topology} builds and waits until it runs. */
    static OneStage start(final Pipeline broker, final PipelineConfig config, final Path dir, final String name,
            final Supplier<Topology> topology) throws InterruptedException {
        final Stage stage = new Stage() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Topology buildTopology() {
                return topology.get();
            }
        };
        final GroupInstance instance = GroupInstance.acquire(dir.resolve(name));
        final StageRunner runner = new StageRunner(stage, config, broker.bootstrapServers(), broker.topics().dlq,
                instance);
        final OneStage running = new OneStage(instance, runner);
        runner.start();
        runner.awaitRunning(Duration.ofMinutes(1));
        return running;
    }

    /** Why the stage stopped, or null while it runs. */
    Throwable failure() {
        return runner.failure();
    }

    /** Writes each value to {@code topic}, keyed by itself. */
    static void send(final Pipeline broker, final String topic, final List<String> values) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.clientConfig().clientProperties(),
                new StringSerializer(), new StringSerializer())) {
            for (final String value : values) {
                producer.send(new ProducerRecord<>(topic, value, value));
            }
        }
    }

    /** The committed records of {@code topic} once {@code done} holds for them, or the last read after a minute. */
    static List<ConsumerRecord<String, byte[]>> await(final Pipeline broker, final String topic,
            final Predicate<List<ConsumerRecord<String, byte[]>>> done) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        List<ConsumerRecord<String, byte[]>> records = List.of();
        while (System.nanoTime() < deadline) {
            records = TopicReader.readRaw(broker.clientConfig(), topic);
            if (done.test(records)) {
                return records;
            }
            Thread.sleep(200);
        }
        return records;
    }

    @Override
    public void close() {
        runner.close();
        instance.close();
    }
}
