package io.toolace.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.llm.procedural.tss.BuiltinSeeds;
import io.toolace.stream.llm.openai.EndpointLimits;
import io.toolace.stream.llm.openai.OpenAiBackend;
import io.toolace.stream.llm.openai.OpenAiEndpoint;
import io.toolace.stream.llm.simulator.Fault;
import io.toolace.stream.llm.simulator.Latency;
import io.toolace.stream.llm.simulator.LlmSimulator;
import io.toolace.stream.llm.simulator.SimulatorSettings;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.LlmCall;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.SeedDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline, every agent and judge through the openai backend with the limits `run --backend
 * openai` uses, against the LLM simulator over HTTP on loopback, with the faults a real endpoint has:
 * what the procedural backend never shows.
 */
class SimulatedPipelineTest {

    private static final int DIALOGS = 12;
    /** Domains whose manuals seed the pool: the simulator answers for each API, and 12 dialogs need few. */
    private static final int SEED_DOMAINS = 3;

    @TempDir
    Path dataDir;

    private static double counted(final String name) {
        return Metrics.globalRegistry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void everyDialogEndsThroughAFaultyOpenAiServerAndTheVerifiedOnesKeepTheirPromises() throws Exception {
        final SimulatorSettings faulty = SimulatorSettings.builder().port(0).model("sim").latency(Latency.fixed(5))
                .fault(Fault.RATE_LIMITED, 0.04).retryAfterSeconds(1).fault(Fault.SERVER_ERROR, 0.04)
                .fault(Fault.RESET, 0.02).fault(Fault.MALFORMED, 0.02).fault(Fault.TRUNCATED, 0.02).seed(11).build();
        final double retriesBefore = counted("toolace.llm.retries");
        final double rejectedAnswersBefore = counted("toolace.llm.openai.failed");
        // Given a broker and registry of their own, the way a cluster runs, seeded with a few domains' manuals
        try (LlmSimulator simulator = LlmSimulator.start(faulty);
                Pipeline cluster = Pipeline.start(PipelineConfig.builder(dataDir.resolve("cluster")).partitions(2)
                        .build(), Set.of(), Duration.ofMinutes(1))) {
            final List<SeedDocument> seeds = BuiltinSeeds.corpus().subList(0, SEED_DOMAINS);
            TopicWriter.send(cluster.clientConfig(), cluster.topics().seeds, SeedDocument::getId, seeds);
            final PipelineConfig config = PipelineConfig.builder(dataDir.resolve("stages"))
                    .bootstrapServers(cluster.bootstrapServers()).registryUrl(cluster.registryUrl()).partitions(2)
                    .planLimit(DIALOGS).maxGeneration(1).assistantVotes(3).build();
            try (Pipeline pipeline = Pipeline.start(config, new LinkedHashSet<>(Pipeline.STAGES),
                    Duration.ofMinutes(2), new OpenAiBackend(OpenAiEndpoint.of(simulator.baseUrl(), "sim")
                            .withLimits(EndpointLimits.DEFAULTS)))) {
                verifyRun(pipeline, retriesBefore, rejectedAnswersBefore);
            }
        }
    }

    private static void verifyRun(final Pipeline pipeline, final double retriesBefore,
            final double rejectedAnswersBefore) throws Exception {
        {
            // When every planned dialog has ended
            final List<DialogOutcome> outcomes = PipelineIntegrationTest.awaitOutcomes(pipeline, DIALOGS,
                    Duration.ofMinutes(4));

            // Then each ended once, verified, rejected with a reason, or dead-lettered, and the counts add up
            assertThat(outcomes.stream().map(DialogOutcome::getDialogId).distinct()).hasSize(DIALOGS);
            final Map<OutcomeStatus, Long> byStatus = outcomes.stream()
                    .collect(Collectors.groupingBy(DialogOutcome::getStatus, Collectors.counting()));
            assertThat(byStatus.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(DIALOGS);
            assertThat(outcomes).filteredOn(o -> o.getStatus() != OutcomeStatus.VERIFIED)
                    .allSatisfy(o -> assertThat(o.getReason()).isNotBlank());
            final List<ConsumerRecord<String, Sample>> verified =
                    TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().verified);
            final long verifiedCount = byStatus.getOrDefault(OutcomeStatus.VERIFIED, 0L);
            assertThat(verified.size()).isEqualTo(verifiedCount);
            assertThat(verifiedCount).as("verified of %s; the others ended: %s", DIALOGS, outcomes.stream()
                    .filter(o -> o.getStatus() != OutcomeStatus.VERIFIED).map(DialogOutcome::getReason).toList())
                    .isGreaterThan(DIALOGS / 2);

            // and the verified samples call pool APIs, keep their type's promise and name the model in their lineage
            final Set<String> poolNames = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().pool).stream()
                    .map(r -> r.value().getName()).collect(Collectors.toSet());
            for (final ConsumerRecord<String, Sample> record : verified) {
                DialogPromises.assertKept(record.value(), poolNames);
                assertThat(record.value().getLineage().getAgents().values()).isNotEmpty()
                        .allSatisfy(agent -> assertThat(agent).contains("sim"));
            }

            // and the faults were met: retried in transport, rejected with a reason when the answer was unusable
            assertThat(counted("toolace.llm.retries") - retriesBefore).isPositive();
            assertThat(counted("toolace.llm.openai.failed") - rejectedAnswersBefore).isPositive();
            final List<LlmCall> calls = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().llmUsage)
                    .stream().map(ConsumerRecord::value).collect(Collectors.toList());
            assertThat(calls).anySatisfy(call -> assertThat(call.getPromptTokens()).isPositive());
            assertThat(pipeline.failure()).isNull();
        }
    }
}
