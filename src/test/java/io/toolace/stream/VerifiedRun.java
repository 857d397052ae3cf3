package io.toolace.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.dialog.ProceduralDialogs;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.TopicAdmin;
import io.toolace.stream.records.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A small real verification run: the embedded broker and registry, the verify stage and the gateway with
 * the procedural backend (every judge asked through it), fed
 * procedural dialogs made as the dialog stage makes them, until each is decided in {@code samples.verified}
 * or {@code samples.rejected}. For the tests of what reads those topics: replay and export.
 */
public final class VerifiedRun implements AutoCloseable {

    private static final Duration START = Duration.ofMinutes(2);

    /** The running verify stage and gateway, on the embedded broker and registry. */
    public final Pipeline pipeline;
    /** What was fed to {@code samples.candidates}, in order. */
    public final List<Sample> candidates;

    private VerifiedRun(final Pipeline pipeline, final List<Sample> candidates) {
        this.pipeline = pipeline;
        this.candidates = candidates;
    }

    /** The settings of the run: two partitions, every judge, the procedural backend's default fault rate. */
    public static PipelineConfig config(final Path dataDir) {
        return PipelineConfig.builder(dataDir).partitions(2).build();
    }

    /**
     * Starts the run, feeds it {@code n} procedural dialogs, a tenth of them with a labelled fault, and
     * returns once all are decided. The dialogs are made while the broker starts.
     */
    public static VerifiedRun start(final PipelineConfig config, final int n, final Duration timeout)
            throws InterruptedException {
        final CompletableFuture<List<Sample>> made = CompletableFuture.supplyAsync(
                () -> ProceduralDialogs.samples(n, 0.1, 42));
        final Pipeline pipeline = Pipeline.start(config, Set.of("verify", "gateway"), START);
        try {
            final List<Sample> samples = made.join();
            final Properties props = pipeline.clientConfig().clientProperties();
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            try (KafkaProducer<String, Sample> producer = new KafkaProducer<>(props, new StringSerializer(),
                    pipeline.topics().sampleCandidates.valueSerde().serializer())) {
                for (final Sample sample : samples) {
                    producer.send(new ProducerRecord<>(pipeline.topics().sampleCandidates.name(), sample.getId(), sample));
                }
            }
            awaitDecided(pipeline, samples.size(), timeout);
            return new VerifiedRun(pipeline, samples);
        } catch (final RuntimeException | InterruptedException | AssertionError e) {
            pipeline.close();
            throw e;
        }
    }

    @Override
    public void close() {
        pipeline.close();
    }

    private static void awaitDecided(final Pipeline pipeline, final int count, final Duration timeout)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        long decided = 0;
        try (TopicAdmin admin = TopicAdmin.create(pipeline.clientConfig())) {
            while (System.nanoTime() < deadline) {
                assertThat(pipeline.failure()).isNull();
                decided = admin.countCommitted(pipeline.topics().verified.name(), timeout)
                        + admin.countCommitted(pipeline.topics().rejected.name(), timeout);
                if (decided >= count) {
                    return;
                }
                Thread.sleep(500);
            }
        }
        throw new AssertionError("only " + decided + " of " + count + " samples decided within " + timeout);
    }
}
