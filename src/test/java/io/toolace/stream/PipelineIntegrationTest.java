package io.toolace.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.kafka.DeadLetters;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole topology on a real in-JVM KRaft broker, with the procedural backend. */
class PipelineIntegrationTest {

    private static final Duration START = Duration.ofMinutes(2);

    @TempDir
    Path dataDir;

    private PipelineConfig config(final long planLimit) {
        return PipelineConfig.builder(dataDir)
                .partitions(2)
                .planLimit(planLimit)
                .maxGeneration(1)
                .faultRate(0.2)
                .build();
    }

    @Test
    void everyPlannedDialogEndsVerifiedRejectedOrDeadLetteredExactlyOnce() throws Exception {
        // Given a pipeline that plans 300 dialogs
        try (Pipeline pipeline = Pipeline.start(config(300), new LinkedHashSet<>(Pipeline.STAGES), START)) {
            // When they have all ended
            final List<DialogOutcome> outcomes = awaitOutcomes(pipeline, 300, Duration.ofMinutes(4));

            // Then each dialog ended once, and the topics agree with the ledger
            final Set<String> dialogs = outcomes.stream().map(DialogOutcome::getDialogId).collect(Collectors.toSet());
            assertThat(dialogs).hasSize(300);
            final Map<OutcomeStatus, Long> byStatus = outcomes.stream()
                    .collect(Collectors.groupingBy(DialogOutcome::getStatus, Collectors.counting()));
            final List<ConsumerRecord<String, Sample>> verified =
                    TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().verified);
            final List<ConsumerRecord<String, Sample>> rejected =
                    TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().rejected);
            assertThat(verified).hasSize(byStatus.getOrDefault(OutcomeStatus.VERIFIED, 0L).intValue());
            assertThat(rejected).hasSize(byStatus.getOrDefault(OutcomeStatus.REJECTED, 0L).intValue());
            assertThat(verified.size() + rejected.size()
                    + byStatus.getOrDefault(OutcomeStatus.DEAD_LETTERED, 0L)).isEqualTo(300);
            assertThat(verified.stream().map(ConsumerRecord::key).collect(Collectors.toSet()))
                    .hasSize(verified.size());
            assertThat(verified).isNotEmpty();
            // the verify stage's store of decided content reports its (estimated) size
            assertThat(Metrics.globalRegistry.find("toolace.store.entries").tags("stage", "verify", "store",
                    "verified-ids").gauge().value()).isPositive();
            // a dialog with an injected fault is never verified: one layer or the other catches it
            for (final ConsumerRecord<String, Sample> record : verified) {
                assertThat(record.value().getFaults()).as("faults of verified %s", record.key()).isEmpty();
                assertThat(record.headers().lastHeader("toolace.verdicts")).isNotNull();
            }

            // and every verified sample keeps its dialog type's promise, calling only pool APIs
            final Set<String> poolNames = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().pool).stream()
                    .map(r -> r.value().getName()).collect(Collectors.toSet());
            final Map<DialogType, Long> byType = new java.util.EnumMap<>(DialogType.class);
            for (final ConsumerRecord<String, Sample> record : verified) {
                DialogPromises.assertKept(record.value(), poolNames);
                byType.merge(record.value().getDialogType(), 1L, Long::sum);
            }
            assertThat(byType).containsKeys(DialogType.values());
        }
    }

    @Test
    void garbageOnEveryInputTopicLandsInTheDeadLetterQueueAndThePipelineGoesOn() throws Exception {
        try (Pipeline pipeline = Pipeline.start(config(60), new LinkedHashSet<>(Pipeline.STAGES), START)) {
            // Given garbage bytes on every topic a stage or the gateway reads while running (llm.cache is read on
            // start only, and an unreadable entry there is skipped, not dead-lettered)
            final List<String> inputs = pipeline.topics().all().stream().map(t -> t.name())
                    .filter(name -> !name.endsWith("samples.verified") && !name.endsWith("samples.rejected")
                            && !name.endsWith("api.rejected") && !name.endsWith("llm.cache")
                            && !name.endsWith("llm.usage"))
                    .collect(Collectors.toList());
            final byte[] garbage = "\u0000\u0000\u0000\u0007not avro at all".getBytes(StandardCharsets.UTF_8);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    pipeline.clientConfig().clientProperties(), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (final String topic : inputs) {
                    producer.send(new ProducerRecord<>(topic, "garbage".getBytes(StandardCharsets.UTF_8), garbage));
                }
            }

            // When the pipeline has finished its planned dialogs
            awaitOutcomes(pipeline, 60, Duration.ofMinutes(4));

            // Then each garbage record is in the DLQ with its source topic and the reason, and no stage stopped
            final Function<ConsumerRecord<String, byte[]>, String> source = r -> header(r,
                    ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME);
            final List<ConsumerRecord<String, byte[]>> dead = awaitDeadLetters(pipeline, inputs.size());
            assertThat(dead.stream().map(source).collect(Collectors.toSet())).containsAll(inputs);
            for (final ConsumerRecord<String, byte[]> record : dead) {
                assertThat(record.value()).isEqualTo(garbage);
                assertThat(header(record, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME)).isNotBlank();
                assertThat(header(record, DeadLetters.HEADER_STAGE)).isNotBlank();
            }
            assertThat(pipeline.failure()).isNull();
        }
    }

    private static List<ConsumerRecord<String, byte[]>> awaitDeadLetters(final Pipeline pipeline, final int count)
            throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            final List<ConsumerRecord<String, byte[]>> dead =
                    TopicReader.readRaw(pipeline.clientConfig(), pipeline.topics().dlq);
            if (dead.size() >= count || System.nanoTime() > deadline) {
                return dead;
            }
            Thread.sleep(500);
        }
    }

    private static String header(final ConsumerRecord<?, ?> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The ledger's outcomes, skipping records that are not outcomes (the garbage test puts some there). */
    private static List<DialogOutcome> readableOutcomes(final Pipeline pipeline) {
        final var values = pipeline.topics().outcomes.valueSerde().deserializer();
        final List<DialogOutcome> outcomes = new ArrayList<>();
        for (final ConsumerRecord<String, byte[]> record
                : TopicReader.readRaw(pipeline.clientConfig(), pipeline.topics().outcomes.name())) {
            try {
                outcomes.add(values.deserialize(record.topic(), record.value()));
            } catch (final SerializationException notAnOutcome) {
                // the garbage record itself: the DLQ assertions cover it
            }
        }
        return outcomes;
    }

    /** Waits until the ledger holds {@code count} outcomes; fails with what it saw on timeout. */
    static List<DialogOutcome> awaitOutcomes(final Pipeline pipeline, final int count, final Duration timeout)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        List<DialogOutcome> outcomes = List.of();
        while (System.nanoTime() < deadline) {
            assertThat(pipeline.failure()).isNull();
            outcomes = readableOutcomes(pipeline);
            if (outcomes.size() >= count) {
                return outcomes;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("only " + outcomes.size() + " of " + count + " dialogs ended within " + timeout);
    }
}
