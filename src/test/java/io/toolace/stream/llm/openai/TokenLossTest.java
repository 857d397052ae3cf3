package io.toolace.stream.llm.openai;

import static io.toolace.stream.llm.openai.Fixtures.API_KEY;
import static io.toolace.stream.llm.openai.Fixtures.echoedCompletion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.toolace.stream.llm.openai.FakeOpenAiServer.Received;
import io.toolace.stream.llm.openai.FakeOpenAiServer.Reply;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenLossTest {

    private static final String SAMPLE = "user: refund my last payment\nassistant: [find_payment(customer_email=\"a@b.c\")]";

    private FakeOpenAiServer server;
    private TokenLoss loss;

    @BeforeEach
    void start() {
        server = FakeOpenAiServer.start();
        loss = new TokenLoss(OpenAiEndpoint.of(server.baseUrl(), "target-model").withApiKey(API_KEY)
                .withRequestTimeout(Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void meanNegativeLogProbabilityOfThePromptTokensSkippingTheFirst() throws Exception {
        // Given: vLLM's answer to echo with max_tokens 0
        server.completionsWith(request -> Reply.rawBody(echoedCompletion(
                "[null, -2.0, -0.5, -1.0, -0.5]", 5, 0)));

        // When
        final OptionalDouble mean = meanLoss();

        // Then
        assertThat(mean).isPresent();
        assertThat(mean.getAsDouble()).isCloseTo(1.0, within(1e-9));
        final Received sent = server.requests().get(0);
        assertThat(sent.path()).isEqualTo("/v1/completions");
        assertThat(sent.model()).isEqualTo("target-model");
        assertThat(sent.body().path("prompt").asText()).isEqualTo(SAMPLE);
        assertThat(sent.body().path("echo").asBoolean()).isTrue();
        assertThat(sent.body().path("logprobs").asInt()).isEqualTo(1);
        assertThat(sent.body().path("max_tokens").asInt()).isZero();
        assertThat(sent.authorization()).isEqualTo("Bearer " + API_KEY);
    }

    @Test
    void serverRefusingZeroTokensIsAskedForOneAndTheGeneratedTokenIsCutOff() throws Exception {
        // Given: max_tokens 0 refused, as vLLM does; with 1, the generated token's logprob comes last
        server.completionsWith(request -> request.body().path("max_tokens").asInt() == 0
                ? Reply.statusWithBody(400, "{\"error\":{\"message\":\"max_tokens must be at least 1, got 0.\"}}")
                : Reply.rawBody(echoedCompletion("[null, -3.0, -1.0, -9.0]", 3, 1)));

        // When
        final OptionalDouble first = meanLoss();
        final OptionalDouble second = meanLoss();

        // Then
        assertThat(first.getAsDouble()).isCloseTo(2.0, within(1e-9));
        assertThat(second.getAsDouble()).isCloseTo(2.0, within(1e-9));
        assertThat(server.requests()).extracting(r -> r.body().path("max_tokens").asInt())
                .as("the refusal is remembered").containsExactly(0, 1, 1);
    }

    @Test
    void noLogprobsMeansEmpty() throws Exception {
        // A chat-only server (no /v1/completions)
        assertThat(meanLoss()).isEmpty();

        // A completion without logprobs
        server.completionsWith(request -> Reply.rawBody(
                "{\"choices\":[{\"text\":\"x\",\"index\":0,\"logprobs\":null}],\"usage\":{\"prompt_tokens\":5}}"));
        assertThat(meanLoss()).isEmpty();

        // llama.cpp's server: only the generated token's logprob, whatever echo says
        server.completionsWith(request -> Reply.rawBody(echoedCompletion("[-0.7]", 5, 1)));
        assertThat(meanLoss()).isEmpty();

        // echo and logprobs refused whatever max_tokens is
        server.completionsWith(request -> Reply.status(400, "echo is not supported"));
        assertThat(meanLoss()).isEmpty();
    }

    @Test
    void serverErrorFailsTheFutureSoTheCallerCanRetry() {
        // Given
        server.completionsWith(request -> Reply.status(503, "model is loading"));

        // Then
        assertThatThrownBy(this::meanLoss)
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(OpenAiException.class)
                .hasMessageContaining("HTTP 503").hasMessageContaining("model is loading");
        assertThat(server.requests()).hasSize(1);
    }

    private OptionalDouble meanLoss() throws Exception {
        return loss.meanLoss(SAMPLE).get(10, TimeUnit.SECONDS);
    }
}
