package io.toolace.stream.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.CountingMeters;
import io.toolace.stream.llm.openai.FakeOpenAiServer.Received;
import io.toolace.stream.llm.openai.FakeOpenAiServer.Reply;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.LlmReply;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class EndpointGuardTest {

    private static final List<ChatMessage> MESSAGES = List.of(ChatMessage.user("Name one domain."));
    /** Short waits, so retries take milliseconds, not seconds. */
    private static final EndpointLimits FAST = EndpointLimits.DEFAULTS.withBackoff(Duration.ofMillis(10),
            Duration.ofSeconds(5));

    private FakeOpenAiServer server;
    private String name;

    @BeforeAll
    static void meters() {
        CountingMeters.ensure();
    }

    @BeforeEach
    void start(final TestInfo test) {
        server = FakeOpenAiServer.start();
        // One endpoint name per test, so each test reads its own metrics.
        name = "guard-" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void retryAfterIsHonouredAndTheConcurrencyLimitHalvesThenRecovers() throws Exception {
        // Given
        final OpenAiEndpoint endpoint = endpoint(FAST.withMaxConcurrency(4).withSuccessesPerIncrease(1));
        final AtomicInteger limitAtRetry = new AtomicInteger();
        server.enqueue(Reply.status(429, "Rate limit reached").withHeader("Retry-After", "1"));
        server.answerWith(request -> {
            limitAtRetry.compareAndSet(0, EndpointGuard.of(endpoint).concurrencyLimit());
            return Reply.answer("{}");
        });
        final OpenAiClient client = new OpenAiClient(endpoint);

        // When
        final Completion completion = client.complete(MESSAGES, 1).get(10, TimeUnit.SECONDS);

        // Then
        assertThat(completion.attempts()).isEqualTo(2);
        final List<Received> sent = server.requests();
        assertThat(sent.get(1).receivedNanos() - sent.get(0).receivedNanos())
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(limitAtRetry.get()).isEqualTo(2);
        client.complete(MESSAGES, 2).get(10, TimeUnit.SECONDS);
        assertThat(EndpointGuard.of(endpoint).concurrencyLimit()).isEqualTo(4);
        client.complete(MESSAGES, 3).get(10, TimeUnit.SECONDS);
        assertThat(EndpointGuard.of(endpoint).concurrencyLimit()).as("never above the maximum").isEqualTo(4);
        assertThat(retries("http_429")).isEqualTo(1);
    }

    @Test
    void serverErrorThenSuccessIsRetried() throws Exception {
        // Given
        server.enqueue(Reply.status(500, "CUDA out of memory"), Reply.answer("{\"ok\": true}"));

        // When
        final Completion completion = new OpenAiClient(endpoint(FAST)).complete(MESSAGES, 1).get(10, TimeUnit.SECONDS);

        // Then
        assertThat(completion.content()).isEqualTo("{\"ok\": true}");
        assertThat(completion.attempts()).isEqualTo(2);
        assertThat(retries("http_5xx")).isEqualTo(1);
    }

    @Test
    void badRequestIsNotRetried() {
        // Given
        server.enqueue(Reply.status(400, "max_tokens is too large"), Reply.answer("{}"));

        // Then
        assertThatThrownBy(() -> new OpenAiClient(endpoint(FAST)).complete(MESSAGES, 1).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.getMessage()).startsWith("HTTP 400: chat completion failed: ");
                });
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void timeoutIsRetried() throws Exception {
        // Given
        server.enqueue(Reply.answer("{\"late\": true}").delayedBy(Duration.ofSeconds(2)), Reply.answer("{\"ok\": true}"));
        final OpenAiEndpoint endpoint = endpoint(FAST).withRequestTimeout(Duration.ofMillis(300));

        // When
        final Completion completion = new OpenAiClient(endpoint).complete(MESSAGES, 1).get(10, TimeUnit.SECONDS);

        // Then
        assertThat(completion.content()).isEqualTo("{\"ok\": true}");
        assertThat(completion.attempts()).isEqualTo(2);
        assertThat(retries("timeout")).isEqualTo(1);
    }

    @Test
    void exhaustedRetriesFailWithTheStatusAndTheAttempts() {
        // Given
        server.answerWith(request -> Reply.status(503, "model is loading"));
        final OpenAiClient client = new OpenAiClient(endpoint(FAST.withMaxAttempts(3)));

        // Then
        assertThatThrownBy(() -> client.complete(MESSAGES, 1).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.getMessage()).startsWith("HTTP 503: chat completion failed after 3 attempts: ")
                            .contains("model is loading");
                });
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void exhaustedRetriesOfABrokenConnectionSayHowOftenAndWhy() {
        // Given
        final OpenAiEndpoint endpoint = endpoint(FAST.withMaxAttempts(3));
        server.close();

        // Then
        assertThatThrownBy(() -> new OpenAiClient(endpoint).complete(MESSAGES, 1).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(RetriesExhaustedException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.getMessage()).startsWith("endpoint " + name + " gave up after 3 attempts, the last"
                            + " failed with ");
                    assertThat(OpenAiClient.attempts(e)).isEqualTo(3);
                });
        assertThat(retries("connection")).isEqualTo(2);
    }

    @Test
    void exhaustedRetriesEndAsAnErrorReplyOfTheBackend() throws Exception {
        // Given
        server.answerWith(request -> Reply.status(502, "bad gateway"));

        // When
        final LlmReply reply = new OpenAiBackend(endpoint(FAST.withMaxAttempts(2)))
                .answer(Fixtures.request(AgentTask.EXTRACT_DOMAINS, Fixtures.PAYMENTS_MANUAL)).get(10, TimeUnit.SECONDS);

        // Then
        assertThat(reply.getResult()).isNull();
        assertThat(reply.getError()).startsWith("openai EXTRACT_DOMAINS call failed: HTTP 502: chat completion failed"
                + " after 2 attempts");
    }

    @Test
    void circuitOpensFailsFastThenAProbeClosesIt() throws Exception {
        // Given
        final OpenAiEndpoint endpoint = endpoint(FAST.withMaxAttempts(1).withCircuit(3, Duration.ofMillis(500)));
        server.enqueue(Reply.status(500, "down"), Reply.status(500, "down"), Reply.status(500, "down"));
        server.answerWith(request -> Reply.answer("{}"));
        final OpenAiClient client = new OpenAiClient(endpoint);
        final EndpointGuard guard = EndpointGuard.of(endpoint);

        try (LogCapture log = new LogCapture(EndpointGuard.class)) {
            // When
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> client.complete(MESSAGES, 1).get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(OpenAiException.class);
            }

            // Then
            assertThat(guard.state()).isEqualTo(EndpointGuard.State.OPEN);
            assertThat(guard.available()).isFalse();
            assertThat(state()).isEqualTo(1.0);
            assertThatThrownBy(() -> client.complete(MESSAGES, 1).get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(CircuitOpenException.class)
                    .hasMessageStartingWith("endpoint " + name + " circuit open after 3 consecutive failures;"
                            + " retrying at ");
            assertThat(server.requests()).as("an open circuit sends nothing").hasSize(3);

            // When the cool-down has passed
            Thread.sleep(600);
            assertThat(guard.available()).isTrue();
            client.complete(MESSAGES, 1).get(10, TimeUnit.SECONDS);

            // Then
            assertThat(guard.state()).isEqualTo(EndpointGuard.State.CLOSED);
            assertThat(state()).isEqualTo(0.0);
            assertThat(log.lines()).filteredOn(line -> line.startsWith("WARN")).singleElement().asString()
                    .contains("endpoint " + name + " circuit open after 3 consecutive failures");
            assertThat(log.lines()).filteredOn(line -> line.startsWith("INFO")).singleElement().asString()
                    .contains("endpoint " + name + " circuit closed");
        }
    }

    @Test
    void failedProbeOpensTheCircuitAgain() throws Exception {
        // Given
        final OpenAiEndpoint endpoint = endpoint(FAST.withMaxAttempts(1).withCircuit(2, Duration.ofMillis(300)));
        server.answerWith(request -> Reply.status(500, "still down"));
        final OpenAiClient client = new OpenAiClient(endpoint);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> client.complete(MESSAGES, 1).get(10, TimeUnit.SECONDS));
        }

        // When
        Thread.sleep(400);
        assertThatThrownBy(() -> client.complete(MESSAGES, 1).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(OpenAiException.class);

        // Then
        assertThat(EndpointGuard.of(endpoint).state()).isEqualTo(EndpointGuard.State.OPEN);
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void requestsPerMinuteSpreadCallsOverTime() throws Exception {
        // Given 240 a minute: a bucket of 4, then one every 250 ms
        final OpenAiClient client = new OpenAiClient(endpoint(FAST.withRequestsPerMinute(240)));
        server.answerWith(request -> Reply.answer("{}"));

        // When
        final List<CompletableFuture<Completion>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            calls.add(client.complete(MESSAGES, i));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        // Then
        final List<Long> times = server.requests().stream().map(Received::receivedNanos).sorted().toList();
        assertThat(times).hasSize(12);
        final long second = Duration.ofSeconds(1).toNanos();
        for (final long start : times) {
            // At most the bucket (4) plus a second's refill (4) in any second.
            assertThat(times.stream().filter(t -> t >= start && t < start + second).count())
                    .as("requests within a second").isLessThanOrEqualTo(8);
        }
        assertThat(times.get(11) - times.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(1_500).toNanos());
        assertThat(Metrics.globalRegistry.find("toolace.llm.throttled").tag("endpoint", name).counter().count())
                .isPositive();
    }

    @Test
    void singleAttemptKeepsTheTransportsOwnException() {
        // Given
        server.enqueue(Reply.answer("{}").delayedBy(Duration.ofSeconds(2)));
        final OpenAiEndpoint endpoint = endpoint(EndpointLimits.NONE).withRequestTimeout(Duration.ofMillis(300));

        // Then
        assertThatThrownBy(() -> new OpenAiClient(endpoint).complete(MESSAGES, 1).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(HttpTimeoutException.class);
        assertThat(server.requests()).hasSize(1);
    }

    private OpenAiEndpoint endpoint(final EndpointLimits limits) {
        return OpenAiEndpoint.of(server.baseUrl(), "m").withName(name).withLimits(limits);
    }

    private double retries(final String reason) {
        final var counter = Metrics.globalRegistry.find("toolace.llm.retries").tags("endpoint", name, "reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private double state() {
        return Metrics.globalRegistry.find("toolace.llm.endpoint.state").tag("endpoint", name).gauge().value();
    }
}
