package io.toolace.stream.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.Pipeline;
import io.toolace.stream.TopicReader;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiOrigin;
import io.toolace.stream.verify.ApiRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TSS stages with the openai backend against a fake OpenAI-compatible server on loopback: the
 * pool grows from what the "model" answers, and malformed answers are rejected without stopping anything.
 */
class OpenAiPoolTest {

    private static final String MODEL = "fake-model";

    @TempDir
    Path dataDir;

    @Test
    void thePoolGrowsFromTheModelsAnswersAndMalformedAnswersStopNothing() throws Exception {
        final AtomicInteger generated = new AtomicInteger();
        try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
            // Given a model that speciates every document into the payments tree and writes APIs, every fourth one truncated
            server.answerWith(request -> {
                if (request.message("system").contains("API context tree")) {
                    return FakeOpenAiServer.Reply.answer(Fixtures.SPECIATION_ANSWER);
                }
                final int n = generated.incrementAndGet();
                final String api = Fixtures.API_ANSWER.replace("create_split_payment", "create_split_payment_" + word(n));
                return n % 4 == 0 ? FakeOpenAiServer.Reply.truncated(api.substring(0, api.length() / 2))
                        : FakeOpenAiServer.Reply.answer("Here is the API:\n```json\n" + api + "\n```");
            });
            final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(2).maxGeneration(1).build();
            final double failedBefore = failed();

            // When the TSS stages run with the openai backend
            try (Pipeline pipeline = Pipeline.start(config,
                    new LinkedHashSet<>(List.of("speciation", "evolution", "pool", "gateway")), Duration.ofMinutes(2),
                    new OpenAiBackend(OpenAiEndpoint.of(server.baseUrl(), MODEL)))) {
                final List<ApiDefinition> pool = awaitPool(pipeline, 5);

                // Then pooled APIs come from the model, pass the API rules, and the truncated answers were rejected
                assertThat(pool).allSatisfy(api -> {
                    assertThat(api.getOrigin()).isEqualTo(ApiOrigin.SYNTHESIZED);
                    assertThat(api.getLineage().getAgents()).containsEntry("GENERATE_API", "openai/" + MODEL);
                    assertThat(api.getDomain()).isEqualTo("Finance");
                    assertThat(ApiRules.check(ToolSamples.toolSpec(api))).isEmpty();
                });
                assertThat(failed() - failedBefore).isPositive();
                assertThat(pipeline.failure()).isNull();
                assertThat(server.requests()).allSatisfy(r -> assertThat(r.model()).isEqualTo(MODEL));
            }
        }
    }

    private static List<ApiDefinition> awaitPool(final Pipeline pipeline, final int size) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<ApiDefinition> pool = List.of();
        while (pool.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(500);
            pool = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().pool).stream()
                    .map(ConsumerRecord::value).toList();
        }
        assertThat(pool).hasSizeGreaterThanOrEqualTo(size);
        return pool;
    }

    private static double failed() {
        return Metrics.globalRegistry.find("toolace.llm.openai.failed").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    /** A distinct lower-case word per number, so each answer names a new API. */
    private static String word(final int n) {
        final StringBuilder word = new StringBuilder();
        for (int i = n; i > 0; i /= 26) {
            word.append((char) ('a' + i % 26));
        }
        return word.toString();
    }
}
