package io.toolace.stream.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import io.toolace.stream.StageFixtures;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.LlmUsage;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.TurnResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway alone on a real in-JVM broker, against a backend that answers late and watches its callers. */
class LlmGatewayConcurrencyTest {

    @TempDir
    Path dataDir;

    /**
     * Answers every request after a delay drawn by the request, holding no thread meanwhile, and records
     * how many calls were open at once, overall and per order key, and in which order each key was asked.
     */
    private static final class LateBackend implements LlmBackend {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final ToLongFunction<LlmRequest> delayMs;
        private final AtomicInteger open = new AtomicInteger();
        private final AtomicInteger mostOpen = new AtomicInteger();
        private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> openPerKey = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> mostOpenPerKey = new ConcurrentHashMap<>();
        private final Map<String, List<Integer>> stepsAsked = new ConcurrentHashMap<>();

        LateBackend(final ToLongFunction<LlmRequest> delayMs) {
            this.delayMs = delayMs;
        }

        @Override
        public String name() {
            return "late";
        }

        @Override
        public String model() {
            return "late-model";
        }

        @Override
        public CompletableFuture<LlmReply> answer(final LlmRequest request) {
            asked.computeIfAbsent(request.getCorrelationId() + "#" + request.getStep(), k -> new AtomicInteger())
                    .incrementAndGet();
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            final String key = request.getOrderKey();
            if (key != null) {
                mostOpenPerKey.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(
                        openPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet(), Math::max);
                stepsAsked.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(request.getStep());
            }
            final CompletableFuture<LlmReply> reply = new CompletableFuture<>();
            timer.schedule(() -> {
                open.decrementAndGet();
                if (key != null) {
                    openPerKey.get(key).decrementAndGet();
                }
                reply.complete(reply(request));
            }, delayMs.applyAsLong(request), TimeUnit.MILLISECONDS);
            return reply;
        }

        private LlmReply reply(final LlmRequest request) {
            final Turn turn = Turn.newBuilder().setRole(Role.USER).setText("step " + request.getStep())
                    .setCalls(List.of()).setResults(List.of()).build();
            return LlmReply.newBuilder().setRequest(request).setResult(TurnResult.newBuilder().setTurn(turn).build())
                    .setUsage(LlmUsage.newBuilder().setBackend(name()).setModel(model()).build()).build();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    private static LlmRequest request(final Topics topics, final String correlationId, final int step,
            final String orderKey) {
        final LlmRequest request = LlmRequests.of(AgentTask.USER_TURN, topics.dialogReplies.name(), correlationId,
                step, 0, "dialog", StageFixtures.draft(correlationId, 0), 1_000);
        request.setOrderKey(orderKey);
        return request;
    }

    @Test
    void aThousandCallsAreInFlightAtOnceNeverMoreAndEachRequestIsAskedOnceAndAnswered() throws Exception {
        final int concurrency = 1_000;
        final int requests = 3_000;
        final LateBackend backend = new LateBackend(request -> 2_000);
        final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(4).gatewayConcurrency(concurrency)
                .llmCacheEntries(0).build();
        try (Pipeline pipeline = Pipeline.start(config, Set.of("gateway"), Duration.ofMinutes(2), backend)) {
            final Topics topics = pipeline.topics();
            final List<LlmRequest> batch = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                batch.add(request(topics, "d-" + i, 0, null));
            }

            GatewayTopics.send(pipeline, batch);
            final List<LlmReply> replies;
            try {
                replies = GatewayTopics.await(pipeline, topics.dialogReplies, requests, Duration.ofMinutes(2));
            } catch (final AssertionError e) {
                // Say whether missing replies were never asked of the backend, still open, or answered and lost.
                throw new AssertionError(e.getMessage() + "; the backend was asked " + backend.asked.size()
                        + " distinct requests, " + backend.open.get() + " still open; the gateway answered "
                        + pipeline.gateway().answered() + ", failure " + pipeline.failure(), e);
            }

            // Then the gateway filled its slots while requests waited, and never went beyond them
            assertThat(backend.mostOpen.get()).isBetween(900, concurrency);
            assertThat(backend.asked).hasSize(requests).allSatisfy((id, times) -> assertThat(times.get()).isOne());
            assertThat(replies.stream().map(r -> r.getRequest().getCorrelationId()).distinct()).hasSize(requests);
            assertThat(pipeline.failure()).isNull();
        }
    }

    @Test
    void requestsOfOneOrderKeyAreAskedOneAtATimeInOffsetOrderWhileOthersRunTogether() throws Exception {
        final Random random = new Random(7);
        final LateBackend backend = new LateBackend(request -> 5 + random.nextInt(40));
        final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(2).gatewayConcurrency(64).build();
        try (Pipeline pipeline = Pipeline.start(config, Set.of("gateway"), Duration.ofMinutes(2), backend)) {
            final Topics topics = pipeline.topics();
            // Given five ordered dialogs of 20 steps each, interleaved with 100 requests that keep no order
            final List<LlmRequest> batch = new ArrayList<>();
            for (int step = 0; step < 20; step++) {
                for (int k = 0; k < 5; k++) {
                    batch.add(request(topics, "ordered-" + k, step, "ordered-" + k));
                    batch.add(request(topics, "free-" + step + "-" + k, 0, null));
                }
            }

            GatewayTopics.send(pipeline, batch);
            final List<LlmReply> replies = GatewayTopics.await(pipeline, topics.dialogReplies, batch.size(),
                    Duration.ofMinutes(1));

            // Then each ordered dialog was asked step after step, never two at once, and replied to in that order
            final List<Integer> steps = new ArrayList<>();
            for (int step = 0; step < 20; step++) {
                steps.add(step);
            }
            for (int k = 0; k < 5; k++) {
                final String key = "ordered-" + k;
                assertThat(backend.stepsAsked.get(key)).as(key).containsExactlyElementsOf(steps);
                assertThat(backend.mostOpenPerKey.get(key).get()).as(key).isOne();
                assertThat(replies.stream().filter(r -> key.equals(r.getRequest().getOrderKey()))
                        .map(r -> r.getRequest().getStep()).collect(Collectors.toList())).as(key)
                        .containsExactlyElementsOf(steps);
            }
            // and the order of some did not serialise the rest
            assertThat(backend.mostOpen.get()).isGreaterThan(5);
        }
    }
}
