package io.toolace.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The whole topology on a real in-JVM KRaft broker, with the procedural backend. */
class PipelineIntegrationTest {

    private static final Duration START = Duration.ofMinutes(2);

    @TempDir
    Path dataDir;

    private PipelineConfig config(final long planLimit, final boolean inline) {
        return PipelineConfig.builder(dataDir)
                .partitions(2)
                .planLimit(planLimit)
                .maxGeneration(1)
                .faultRate(0.2)
                .inlineBackend(inline)
                .streamThreads(inline ? 2 : 1)
                .build();
    }

    @ParameterizedTest(name = "backend inline: {0}")
    @ValueSource(booleans = {false, true})
    void everyPlannedDialogEndsVerifiedRejectedOrDeadLetteredExactlyOnce(final boolean inline) throws Exception {
        // Given a pipeline that plans 300 dialogs, asking the agents and judges through the gateway or inline
        try (Pipeline pipeline = Pipeline.start(config(300, inline), new LinkedHashSet<>(Pipeline.STAGES), START)) {
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
                    "verified-recently").gauge().value()).isPositive();
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

            // and only an inline run asks no agent or judge through the gateway (the pool's growth still does)
            final Set<String> askedThroughGateway = TopicReader.readAll(pipeline.clientConfig(),
                    pipeline.topics().llmRequests).stream().map(r -> r.value().getStage()).collect(Collectors.toSet());
            assertThat(askedThroughGateway).contains("evolution");
            if (inline) {
                assertThat(askedThroughGateway).doesNotContain("dialog", "verify");
            } else {
                assertThat(askedThroughGateway).contains("dialog", "verify");
            }
        }
    }

    /** Waits until the ledger holds {@code count} outcomes; fails with what it saw on timeout. */
    static List<DialogOutcome> awaitOutcomes(final Pipeline pipeline, final int count, final Duration timeout)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        List<DialogOutcome> outcomes = List.of();
        while (System.nanoTime() < deadline) {
            assertThat(pipeline.failure()).isNull();
            outcomes = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().outcomes).stream()
                    .map(ConsumerRecord::value).collect(Collectors.toList());
            if (outcomes.size() >= count) {
                return outcomes;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("only " + outcomes.size() + " of " + count + " dialogs ended within " + timeout);
    }
}
