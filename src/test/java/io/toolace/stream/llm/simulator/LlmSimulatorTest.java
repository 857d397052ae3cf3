package io.toolace.stream.llm.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.llm.openai.OpenAiEndpoint;
import io.toolace.stream.llm.openai.TokenLoss;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The simulator as an HTTP server: endpoints, latency, the throughput cap and each injected fault. */
class LlmSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"m\",\"seed\":1,\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"Hello there, how are you?\"}]}";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void chatAnswersWithAnOpenAiCompletionAfterTheLatency() throws Exception {
        try (LlmSimulator sim = LlmSimulator.start(SimulatorSettings.builder().latency(Latency.fixed(250)).build())) {
            // When
            final long started = System.nanoTime();
            final HttpResponse<String> response = post(sim, "/chat/completions", CHAT, Duration.ofSeconds(10));
            final long elapsedMs = (System.nanoTime() - started) / 1_000_000;

            // Then
            assertThat(response.statusCode()).isEqualTo(200);
            final JsonNode body = JSON.readTree(response.body());
            assertThat(body.path("object").asText()).isEqualTo("chat.completion");
            assertThat(body.path("choices").path(0).path("message").path("content").asText()).isNotEmpty();
            assertThat(body.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
            assertThat(body.path("usage").path("prompt_tokens").asInt()).isPositive();
            assertThat(elapsedMs).isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void latencyHoldsNoThreadSoManyCallsWaitTogether() throws Exception {
        try (LlmSimulator sim = LlmSimulator.start(SimulatorSettings.builder().latency(Latency.fixed(300)).build())) {
            // When 64 calls are sent at once to a server with a handful of worker threads
            final List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            final long started = System.nanoTime();
            for (int i = 0; i < 64; i++) {
                calls.add(HTTP.sendAsync(request(sim, "/chat/completions", CHAT, Duration.ofSeconds(20)),
                        HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            // Then all succeed, and every one waited out the latency
            assertThat(calls).allMatch(c -> c.join().statusCode() == 200);
            assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(250);
        }
    }

    @Test
    void modelsListsTheModel() throws Exception {
        try (LlmSimulator sim = LlmSimulator.start(SimulatorSettings.builder().model("sim-7b").build())) {
            final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/models"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).path("data").path(0).path("id").asText()).isEqualTo("sim-7b");
        }
    }

    @Test
    void completionsEchoThePromptWithLogprobsTheComplexityEvaluatorReads() throws Exception {
        try (LlmSimulator sim = LlmSimulator.start(SimulatorSettings.builder().latency(Latency.fixed(0)).build())) {
            // When the complexity evaluator asks for the mean token loss of a text
            final OptionalDouble loss = new TokenLoss(OpenAiEndpoint.of(sim.baseUrl(), "sim"))
                    .meanLoss("The user asks for the weather in Paris tomorrow, in Celsius.").get(10, TimeUnit.SECONDS);

            // Then there is one, a positive number of nats
            assertThat(loss).isPresent();
            assertThat(loss.getAsDouble()).isPositive();
        }
    }

    @Test
    void rateLimitFaultIs429WithRetryAfter() throws Exception {
        try (LlmSimulator sim = withFault(Fault.RATE_LIMITED)) {
            final HttpResponse<String> response = post(sim, "/chat/completions", CHAT, Duration.ofSeconds(10));
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        }
    }

    @Test
    void serverErrorFaultIs500WithOpenAisErrorJson() throws Exception {
        try (LlmSimulator sim = withFault(Fault.SERVER_ERROR)) {
            final HttpResponse<String> response = post(sim, "/chat/completions", CHAT, Duration.ofSeconds(10));
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(JSON.readTree(response.body()).path("error").path("message").asText()).isNotEmpty();
        }
    }

    @Test
    void timeoutFaultNeverAnswersBeforeTheClientGivesUp() {
        try (LlmSimulator sim = withFault(Fault.TIMEOUT)) {
            assertThatThrownBy(() -> post(sim, "/chat/completions", CHAT, Duration.ofMillis(500)))
                    .isInstanceOf(HttpTimeoutException.class);
        }
    }

    @Test
    void resetFaultClosesTheConnectionWithoutAResponse() {
        try (LlmSimulator sim = withFault(Fault.RESET)) {
            assertThatThrownBy(() -> post(sim, "/chat/completions", CHAT, Duration.ofSeconds(10)))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(HttpTimeoutException.class);
        }
    }

    @Test
    void malformedFaultSendsContentThatIsNotJson() throws Exception {
        try (LlmSimulator sim = withFault(Fault.MALFORMED)) {
            final String content = content(post(sim, "/chat/completions", CHAT, Duration.ofSeconds(10)));
            assertThatThrownBy(() -> JSON.readTree(content)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void truncatedFaultCutsTheContentWithFinishReasonLength() throws Exception {
        try (LlmSimulator sim = withFault(Fault.TRUNCATED)) {
            final HttpResponse<String> response = post(sim, "/chat/completions", CHAT, Duration.ofSeconds(10));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).path("choices").path(0).path("finish_reason").asText())
                    .isEqualTo("length");
        }
    }

    @Test
    void throughputCapAnswers429BeyondIt() throws Exception {
        try (LlmSimulator sim = LlmSimulator.start(SimulatorSettings.builder().latency(Latency.fixed(0))
                .maxRequestsPerSecond(5).build())) {
            // When 20 calls arrive within a fraction of a second
            final List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(HTTP.sendAsync(request(sim, "/chat/completions", CHAT, Duration.ofSeconds(10)),
                        HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

            // Then at most the cap's worth succeed (two windows at worst), the rest are told when to come back
            final List<HttpResponse<String>> limited = calls.stream().map(CompletableFuture::join)
                    .filter(r -> r.statusCode() == 429).toList();
            assertThat(limited.size()).isGreaterThanOrEqualTo(10);
            assertThat(limited).allMatch(r -> r.headers().firstValue("Retry-After").isPresent());
        }
    }

    @Test
    void faultsAreDrawnFromTheSeed() throws Exception {
        final List<Integer> first = statuses(99);
        assertThat(statuses(99)).isEqualTo(first);
        assertThat(first).contains(200, 500);
    }

    private static List<Integer> statuses(final long seed) throws Exception {
        try (LlmSimulator sim = LlmSimulator.start(SimulatorSettings.builder().latency(Latency.fixed(0))
                .fault(Fault.SERVER_ERROR, 0.5).seed(seed).build())) {
            final List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                statuses.add(post(sim, "/chat/completions", CHAT, Duration.ofSeconds(10)).statusCode());
            }
            return statuses;
        }
    }

    @Test
    void latencyParsesItsThreeForms() {
        assertThat(Latency.parse("250")).isEqualTo(Latency.fixed(250));
        assertThat(Latency.parse("100..400")).isEqualTo(Latency.uniform(100, 400));
        assertThat(Latency.parse("lognormal:200,1500")).isEqualTo(Latency.logNormal(200, 1500));
        assertThatThrownBy(() -> Latency.parse("fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MIN..MAX");
    }

    private static LlmSimulator withFault(final Fault fault) {
        return LlmSimulator.start(SimulatorSettings.builder().latency(Latency.fixed(0)).fault(fault, 1.0).build());
    }

    private static String content(final HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).path("choices").path(0).path("message").path("content").asText();
    }

    private static HttpResponse<String> post(final LlmSimulator sim, final String path, final String body,
            final Duration timeout) throws IOException, InterruptedException {
        return HTTP.send(request(sim, path, body, timeout), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(final LlmSimulator sim, final String path, final String body,
            final Duration timeout) {
        return HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
