package io.toolace.stream.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.Pipeline;
import io.toolace.stream.StageFixtures;
import io.toolace.stream.TopicReader;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.openai.OpenAiBackend;
import io.toolace.stream.llm.openai.OpenAiEndpoint;
import io.toolace.stream.llm.procedural.ProceduralBackend;
import io.toolace.stream.llm.procedural.ProceduralSettings;
import io.toolace.stream.llm.simulator.Latency;
import io.toolace.stream.llm.simulator.LlmSimulator;
import io.toolace.stream.llm.simulator.SimulatorSettings;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.LlmCacheEntry;
import io.toolace.stream.records.LlmCall;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.LlmUsage;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.TurnResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway alone on a real in-JVM broker, asking a priced fake model that counts its calls. */
class LlmGatewayCacheTest {

    private static final Duration START = Duration.ofMinutes(2);
    private static final String MODEL = "fake-priced-model";

    @TempDir
    Path dataDir;

    /** Answers a user turn with 1000 prompt and 200 completion tokens; a draft named "bad-*" fails after 100. */
    private static final class CountingBackend implements LlmBackend {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String model() {
            return MODEL;
        }

        @Override
        public CompletableFuture<LlmReply> answer(final LlmRequest request) {
            calls.computeIfAbsent(request.getCorrelationId(), id -> new AtomicInteger()).incrementAndGet();
            final boolean bad = request.getCorrelationId().startsWith("bad-");
            final LlmUsage usage = LlmUsage.newBuilder().setBackend(name()).setModel(MODEL).setLatencyMs(40)
                    .setPromptTokens(bad ? 100 : 1000).setCompletionTokens(bad ? 0 : 200).build();
            final TurnResult turn = TurnResult.newBuilder().setTurn(Turn.newBuilder().setRole(Role.USER)
                    .setText("hourly forecast for Oslo, please").setCalls(List.of()).setResults(List.of()).build())
                    .build();
            return CompletableFuture.completedFuture(LlmReply.newBuilder().setRequest(request)
                    .setResult(bad ? null : turn).setError(bad ? "unparseable answer" : null).setUsage(usage)
                    .setRaw(bad ? "{oops" : "").build());
        }

        int calls(final String correlationId) {
            final AtomicInteger count = calls.get(correlationId);
            return count == null ? 0 : count.get();
        }
    }

    private PipelineConfig config() {
        return PipelineConfig.builder(dataDir).partitions(1).prices(PriceTable.NONE.with(MODEL + "=2,10")).build();
    }

    /** The same question at another time: the draft and the request carry a later wall clock. */
    private static LlmRequest request(final Topics topics, final String draftId, final long nowMs) {
        final DialogDraft draft = DialogDraft.newBuilder(StageFixtures.draft(draftId, 0))
                .setLineage(Lineage.newBuilder(StageFixtures.lineage()).setCreatedAtMs(nowMs).build()).build();
        return LlmRequests.of(AgentTask.USER_TURN, topics.dialogReplies.name(), draftId, 0, 0, "dialog", draft, nowMs);
    }

    private static void send(final Pipeline pipeline, final LlmRequest... requests) {
        GatewayTopics.send(pipeline, List.of(requests));
    }

    private static <V> List<V> await(final Pipeline pipeline, final Topics.Topic<V> topic, final int count)
            throws InterruptedException {
        return GatewayTopics.await(pipeline, topic, count, Duration.ofSeconds(60));
    }

    private static double counted(final String name, final String tag, final String value) {
        return Metrics.globalRegistry.find(name).tag("model", MODEL).counters().stream()
                .filter(c -> tag == null || value.equals(c.getId().getTag(tag))).mapToDouble(Counter::count).sum();
    }

    @Test
    void aRepeatedRequestIsAnsweredFromTheCacheAndAFailedOneIsAskedAgain() throws Exception {
        final CountingBackend backend = new CountingBackend();
        final double hitsBefore = Metrics.globalRegistry.find("toolace.llm.cache").tag("result", "hit").counters()
                .stream().mapToDouble(Counter::count).sum();
        try (Pipeline pipeline = Pipeline.start(config(), Set.of("gateway"), START, backend)) {
            final Topics topics = pipeline.topics();
            // Given a request that succeeds and one that fails, each answered once
            send(pipeline, request(topics, "d-1", 1_000), request(topics, "bad-1", 1_000));
            await(pipeline, topics.dialogReplies, 2);

            // When both are asked again, later, at other offsets
            send(pipeline, request(topics, "d-1", 5_000), request(topics, "bad-1", 5_000));
            final List<LlmReply> replies = await(pipeline, topics.dialogReplies, 4);

            // Then the good answer was paid for once and repeated from the cache; the failure was asked again
            assertThat(backend.calls("d-1")).isEqualTo(1);
            assertThat(backend.calls("bad-1")).isEqualTo(2);
            final List<LlmReply> good = replies.stream().filter(r -> r.getRequest().getCorrelationId().equals("d-1"))
                    .collect(Collectors.toList());
            assertThat(good).extracting(r -> r.getUsage().getCached()).containsExactly(false, true);
            assertThat(good.get(1).getResult()).isEqualTo(good.get(0).getResult());
            assertThat(good.get(1).getRequest().getCreatedAtMs()).isEqualTo(5_000);
            assertThat(good.get(1).getUsage().getAttempts()).isZero();
            assertThat(replies.stream().filter(r -> r.getError() != null).map(r -> r.getUsage().getCached()))
                    .containsExactly(false, false);
            final List<LlmCacheEntry> cached = await(pipeline, topics.llmCache, 1);
            assertThat(cached).hasSize(1);
            assertThat(Metrics.globalRegistry.find("toolace.llm.cache").tag("result", "hit").counters().stream()
                    .mapToDouble(Counter::count).sum() - hitsBefore).isEqualTo(1);

            // and the accounting counts what was paid: 1000+2*100 prompt and 200 completion tokens at 2 and 10 USD/M
            assertThat(counted("toolace.llm.calls", null, null)).isEqualTo(4);
            assertThat(counted("toolace.llm.calls", "cached", "true")).isEqualTo(1);
            assertThat(counted("toolace.llm.calls", "outcome", "error")).isEqualTo(2);
            assertThat(counted("toolace.llm.tokens", "kind", "prompt")).isEqualTo(1_200);
            assertThat(counted("toolace.llm.tokens", "kind", "completion")).isEqualTo(200);
            assertThat(counted("toolace.llm.cost", "task", "USER_TURN")).isCloseTo(0.0044, within(1e-9));
            assertThat(Metrics.globalRegistry.find("toolace.llm.latency").tag("model", MODEL).tag("stage", "dialog")
                    .timer().count()).isEqualTo(4);

            // and llm.usage has one record per reply with the same numbers
            final List<LlmCall> usage = await(pipeline, topics.llmUsage, 4);
            final List<LlmCall> goodCalls = usage.stream().filter(c -> c.getCorrelationId().equals("d-1"))
                    .collect(Collectors.toList());
            assertThat(goodCalls).extracting(LlmCall::getCached, LlmCall::getPromptTokens, LlmCall::getCompletionTokens)
                    .containsExactly(tuple(false, 1000, 200),
                            tuple(true, 0, 0));
            assertThat(goodCalls.get(0).getCostUsd()).isCloseTo(0.004, within(1e-12));
            assertThat(goodCalls.get(1).getCostUsd()).isZero();
            assertThat(usage).allSatisfy(call -> {
                assertThat(call.getStage()).isEqualTo("dialog");
                assertThat(call.getTask()).isEqualTo(AgentTask.USER_TURN);
                assertThat(call.getModel()).isEqualTo(MODEL);
            });
            assertThat(usage.stream().filter(c -> c.getError() != null).mapToDouble(LlmCall::getCostUsd))
                    .allSatisfy(cost -> assertThat(cost).isCloseTo(0.0002, within(1e-12)));
        }
    }

    @Test
    void aRestartedGatewayAnswersFromTheCacheTopicWithoutACall() throws Exception {
        try (Pipeline pipeline = Pipeline.start(config(), Set.of("gateway"), START, new CountingBackend())) {
            send(pipeline, request(pipeline.topics(), "d-2", 1_000));
            await(pipeline, pipeline.topics().llmCache, 1);
        }

        // Given a new process on the same data, whose backend has never been asked
        final CountingBackend backend = new CountingBackend();
        try (Pipeline pipeline = Pipeline.start(config(), Set.of("gateway"), START, backend)) {
            // When the same request comes again (a replay)
            send(pipeline, request(pipeline.topics(), "d-2", 9_000));
            final List<LlmReply> replies = await(pipeline, pipeline.topics().dialogReplies, 2);

            // Then it is answered from the cache read on start
            assertThat(backend.calls("d-2")).isZero();
            assertThat(replies).extracting(r -> r.getUsage().getCached()).containsExactly(false, true);
            assertThat(pipeline.gateway().cachedAnswers()).isEqualTo(1);
        }
    }

    @Test
    void theProceduralBackendsAnswersAreNotCachedAsTheyCostNothing() throws Exception {
        try (Pipeline pipeline = Pipeline.start(config(), Set.of("gateway"), START,
                new ProceduralBackend(ProceduralSettings.DEFAULTS))) {
            final Topics topics = pipeline.topics();
            // Given a request answered by the procedural backend
            send(pipeline, request(topics, "p-1", 1_000));
            final LlmReply first = await(pipeline, topics.dialogReplies, 1).get(0);

            // When it is asked again
            send(pipeline, request(topics, "p-1", 5_000));
            final List<LlmReply> replies = await(pipeline, topics.dialogReplies, 2);

            // Then the backend answered both times, the same, and llm.cache got nothing
            assertThat(first.getError()).isNull();
            assertThat(replies).extracting(r -> r.getUsage().getCached()).containsExactly(false, false);
            assertThat(replies.get(1).getResult()).isEqualTo(first.getResult());
            await(pipeline, topics.llmUsage, 2);
            assertThat(TopicReader.readAll(pipeline.clientConfig(), topics.llmCache)).isEmpty();
            assertThat(pipeline.gateway().cachedAnswers()).isZero();
        }
    }

    @Test
    void anOpenAiBackendsAnswersAreStillCached() throws Exception {
        try (LlmSimulator simulator = LlmSimulator.start(SimulatorSettings.builder().port(0).model("sim")
                        .latency(Latency.fixed(0)).build());
                Pipeline pipeline = Pipeline.start(config(), Set.of("gateway"), START,
                        new OpenAiBackend(OpenAiEndpoint.of(simulator.baseUrl(), "sim")))) {
            final Topics topics = pipeline.topics();
            // Given a request the openai backend answered over HTTP
            send(pipeline, request(topics, "o-1", 1_000));
            final LlmReply first = await(pipeline, topics.dialogReplies, 1).get(0);

            // When it is asked again
            send(pipeline, request(topics, "o-1", 5_000));
            final List<LlmReply> replies = await(pipeline, topics.dialogReplies, 2);

            // Then the second answer came from the cache, which llm.cache keeps
            assertThat(first.getError()).isNull();
            assertThat(replies).extracting(r -> r.getUsage().getCached()).containsExactly(false, true);
            assertThat(replies.get(1).getResult()).isEqualTo(first.getResult());
            assertThat(await(pipeline, topics.llmCache, 1)).hasSize(1);
            assertThat(pipeline.gateway().cachedAnswers()).isEqualTo(1);
        }
    }
}
