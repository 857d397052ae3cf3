package io.toolace.stream.llm.openai;

import static io.toolace.stream.llm.openai.Fixtures.REFUND_DIALOG;
import static io.toolace.stream.llm.openai.Fixtures.echoedCompletion;
import static io.toolace.stream.llm.openai.Fixtures.request;
import static io.toolace.stream.llm.openai.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.llm.openai.FakeOpenAiServer.Received;
import io.toolace.stream.llm.openai.FakeOpenAiServer.Reply;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ComplexityResult;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.Sample;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SCORE_COMPLEXITY against the fake server: the target model's mean token loss on the sample, or "not measured". */
class ComplexityTaskTest {

    private static final String MODEL = "target-model";

    private FakeOpenAiServer server;
    private OpenAiBackend backend;

    @BeforeEach
    void start() {
        server = FakeOpenAiServer.start();
        backend = new OpenAiBackend(OpenAiEndpoint.of(server.baseUrl(), MODEL)
                .withRequestTimeout(Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        backend.close();
        server.close();
    }

    @Test
    void lossOfTheSampleAsItsToolAceLineIsMeasured() throws Exception {
        // Given: a vLLM-like server echoing log-probabilities
        server.completionsWith(request -> Reply.rawBody(echoedCompletion("[null, -0.5, -1.5, -1.0]", 4, 0)));
        final Sample sample = sample(REFUND_DIALOG);

        // When
        final LlmReply reply = answer(sample);

        // Then
        assertThat(reply.getError()).isNull();
        final ComplexityResult result = (ComplexityResult) reply.getResult();
        assertThat(result.getMeasured()).isTrue();
        assertThat(result.getLoss()).isCloseTo(1.0, within(1e-9));
        assertThat(result.getModel()).isEqualTo(MODEL);
        assertThat(reply.getUsage().getModel()).isEqualTo(MODEL);
        final Received sent = server.requests().get(0);
        assertThat(sent.path()).isEqualTo("/v1/completions");
        assertThat(sent.body().path("prompt").asText()).isEqualTo(ToolSamples.toLine(sample, SampleFormat.TOOLACE));
        assertThat(sent.body().path("echo").asBoolean()).isTrue();
    }

    @Test
    void aServerWithoutLogprobsGivesAnUnmeasuredReplyNotAnError() throws Exception {
        // Given: a chat-only server (the fake's /v1/completions answers 404 until told otherwise)

        // When
        final LlmReply reply = answer(sample(REFUND_DIALOG));

        // Then
        assertThat(reply.getError()).isNull();
        assertThat(reply.getResult()).isEqualTo(new ComplexityResult(-1.0, false, MODEL));
    }

    @Test
    void aServerErrorIsAnErrorReply() throws Exception {
        // Given
        server.completionsWith(request -> Reply.status(503, "model is loading"));

        // When
        final LlmReply reply = answer(sample(REFUND_DIALOG));

        // Then
        assertThat(reply.getResult()).isNull();
        assertThat(reply.getError()).startsWith("openai SCORE_COMPLEXITY call failed: HTTP 503")
                .contains("model is loading");
    }

    private LlmReply answer(final Sample sample) throws Exception {
        return backend.answer(request(AgentTask.SCORE_COMPLEXITY, sample)).get(10, TimeUnit.SECONDS);
    }
}
