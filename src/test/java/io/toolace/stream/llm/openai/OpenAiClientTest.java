package io.toolace.stream.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolace.stream.llm.openai.FakeOpenAiServer.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiClientTest {

    private static final List<ChatMessage> MESSAGES =
            List.of(ChatMessage.system("Answer in JSON."), ChatMessage.user("Name one domain."));

    private static final long SEED = 1_234_567L;

    private FakeOpenAiServer server;

    @BeforeEach
    void start() {
        server = FakeOpenAiServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answerTextFinishReasonAndUsageAreRead() throws Exception {
        server.enqueue(Reply.truncated("{\"domain\": \"Fin"));

        final Completion completion = client(OpenAiEndpoint.of(server.baseUrl(), "m")).complete(MESSAGES, SEED)
                .get(10, TimeUnit.SECONDS);

        assertThat(completion.content()).isEqualTo("{\"domain\": \"Fin");
        assertThat(completion.finishReason()).isEqualTo("length");
        assertThat(completion.promptTokens()).isEqualTo(6);
        assertThat(completion.completionTokens()).isEqualTo(2);
    }

    @Test
    void settingsAreSentAsConfigured() throws Exception {
        server.enqueue(Reply.answer("{}"));
        final OpenAiEndpoint endpoint = OpenAiEndpoint.of(server.baseUrl(), "gpt-4o-mini")
                .withTemperature(0.2).withMaxTokens(512).withJsonMode(false);

        client(endpoint).complete(MESSAGES, SEED).get(10, TimeUnit.SECONDS);

        final FakeOpenAiServer.Received sent = server.requests().get(0);
        assertThat(sent.model()).isEqualTo("gpt-4o-mini");
        assertThat(sent.body().path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.body().path("max_tokens").asInt()).isEqualTo(512);
        assertThat(sent.body().has("response_format")).isFalse();
        assertThat(sent.body().path("seed").asLong()).isEqualTo(SEED);
        assertThat(sent.message("system")).isEqualTo("Answer in JSON.");
        assertThat(sent.message("user")).isEqualTo("Name one domain.");
        assertThat(sent.authorization()).isNull();
    }

    @Test
    void errorStatusFailsWithTheCodeAndAnExcerpt() {
        server.enqueue(Reply.status(503, "model is loading"));

        assertThatThrownBy(() -> client(OpenAiEndpoint.of(server.baseUrl(), "m")).complete(MESSAGES, SEED).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.bodyExcerpt()).contains("model is loading");
                    assertThat(e.getMessage()).startsWith("HTTP 503: chat completion failed: {\"error\"");
                });
    }

    @Test
    void bodyThatIsNotAChatCompletionFails() {
        server.enqueue(Reply.rawBody("<html>proxy login</html>"), Reply.rawBody("{\"object\": \"list\", \"data\": []}"),
                Reply.rawBody("{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": [1]}}]}"));
        final OpenAiClient client = client(OpenAiEndpoint.of(server.baseUrl(), "m"));

        assertThatThrownBy(() -> client.complete(MESSAGES, SEED).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(OpenAiException.class)
                .hasMessageContaining("HTTP 200: response body is not JSON: <html>proxy login</html>");
        assertThatThrownBy(() -> client.complete(MESSAGES, SEED).get(10, TimeUnit.SECONDS))
                .hasMessageContaining("HTTP 200: response has no choices[0].message");
        assertThatThrownBy(() -> client.complete(MESSAGES, SEED).get(10, TimeUnit.SECONDS))
                .hasMessageContaining("HTTP 200: choices[0].message.content is not a string");
    }

    @Test
    void missingContentAndUsageAreEmptyNotFailures() throws Exception {
        server.enqueue(Reply.rawBody("{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": null},"
                + " \"finish_reason\": \"content_filter\"}]}"));

        final Completion completion = client(OpenAiEndpoint.of(server.baseUrl(), "m")).complete(MESSAGES, SEED)
                .get(10, TimeUnit.SECONDS);

        assertThat(completion).isEqualTo(new Completion("", "content_filter", 0, 0));
    }

    @Test
    void slowServerTimesOut() {
        server.answerWith(request -> {
            try {
                Thread.sleep(2_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.answer("{}");
        });
        final OpenAiClient client = client(OpenAiEndpoint.of(server.baseUrl(), "m").withRequestTimeout(Duration.ofMillis(300)));

        assertThatThrownBy(() -> client.complete(MESSAGES, SEED).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(java.net.http.HttpTimeoutException.class);
    }

    private static OpenAiClient client(final OpenAiEndpoint endpoint) {
        return new OpenAiClient(endpoint);
    }
}
